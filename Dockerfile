# hall as a container image: the wheel (which carries every page's static files) installed
# into python:3.11-slim with the DejaVu fonts (printed tickets) and espeak-ng (spoken calls).
#   docker build -t hall .
#   docker run --env-file hall.env -p 8000:8000 hall
# compose.yaml runs it with PostgreSQL, Redis and nginx; see docs/operating.md.

FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
# hall's wheel and the wheels of everything it needs, for the next stage to install offline
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core espeak-ng \
    && rm -rf /var/lib/apt/lists/*
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels hall
RUN useradd --system --home-dir /var/lib/hall --create-home --shell /usr/sbin/nologin hall
USER hall
WORKDIR /var/lib/hall
ENV HALL_INSTANCE_PATH=/var/lib/hall \
    HALL_BIND=0.0.0.0:8000 \
    PYTHONUNBUFFERED=1
VOLUME /var/lib/hall
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# One gevent worker per container (hall/gunicorn_conf.py); run more containers for more.
CMD ["gunicorn", "-c", "python:hall.gunicorn_conf", "hall:create_app()"]
