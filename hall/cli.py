"""The `hall` command: init, user add, token create, run, demo."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import routes_command
from flask.cli import shell_command
from sqlalchemy import select

from hall.engine import admin
from hall.engine import auth
from hall.engine.clock import utcnow
from hall.engine.errors import HallError
from hall.models import Centre
from hall.store import schema
from hall.store.db import session_scope


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


def _centre(session: object, code: str | None) -> Centre:
    statement = select(Centre).order_by(Centre.id)
    if code:
        statement = statement.where(Centre.code == code)
    centre = session.scalars(statement.limit(1)).first()  # type: ignore[attr-defined]
    if centre is None:
        raise click.ClickException("no such centre; run `hall init` first")
    return centre  # type: ignore[no-any-return]


@click.command("init")
def init_command() -> None:
    """Create or upgrade the schema (idempotent) and the default centre."""
    app = _app()
    schema.upgrade(app.extensions["hall.engine"])
    with session_scope(app, writing=True) as session:
        centre = schema.ensure_default_centre(session, app.config["TIMEZONE"])
        session.commit()
        click.echo(f"schema at {schema.current_revision(app.extensions['hall.engine'])}; "
                   f"centre '{centre.code}': {centre.name}")


user_group = click.Group("user", help="Manage users.")


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "manager", "officer"]), required=True)
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from standard input.")
@click.option("--full-name", default="")
@click.option("--centre", "centre_code", default=None, help="Centre code (default: the first).")
@click.option("--all-centres", is_flag=True,
              help="A province's administrator: works on every centre of this server.")
def user_add(name: str, role: str, password_stdin: bool, full_name: str,
             centre_code: str | None, all_centres: bool) -> None:
    """Add a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    with session_scope(_app(), writing=True) as session:
        try:
            admin.add_user(session, _centre(session, centre_code), name, role, password,
                           utcnow(), full_name, all_centres)
        except HallError as exc:
            raise click.ClickException(exc.message) from None
        session.commit()
    click.echo(f"user {name} ({role}) added", err=True)


token_group = click.Group("token", help="Manage API tokens.")


@token_group.command("create")
@click.argument("name")
def token_create(name: str) -> None:
    """Print a new API token for the user: the token alone, one line."""
    from hall.models import User

    with session_scope(_app(), writing=True) as session:
        user = session.scalar(select(User).where(User.username == name))
        if user is None:
            raise click.ClickException(f"no user {name}")
        token = auth.issue_user_token(session, user, utcnow())
        session.commit()
    click.echo(token)


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def run_command(host: str, port: int) -> None:
    """Serve HTTP and Socket.IO (gevent) for one hall."""
    from hall.server import serve
    from hall.server import served_url
    from hall.web.sockets import socketio

    app = _app()
    app.config["SERVED_URL"] = served_url(host, port)
    click.echo(f"hall on http://{host}:{port}/ (async mode {socketio.async_mode}); phones "
               f"reach it at {app.config.get('PUBLIC_URL') or app.config['SERVED_URL']}",
               err=True)
    serve(app, host, port)


@click.command("demo")
@click.option("--url", default=None, help="where the screens will open it (default: "
              "HALL_PUBLIC_URL, else http://HOST:PORT from the environment, as `make run` uses)")
def demo_command(url: str | None) -> None:
    """Load a demo centre and print how to open each screen."""
    from hall.demo import load_demo

    app = _app()
    if url is None:
        host = os.environ.get("HOST") or "127.0.0.1"
        url = str(app.config.get("PUBLIC_URL") or "") or (
            f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{os.environ.get('PORT') or 5000}")
    schema.upgrade(app.extensions["hall.engine"])
    with session_scope(app, writing=True) as session:
        lines = load_demo(session, app.instance_path, utcnow(), url.rstrip("/"))
        session.commit()
    click.echo("\n".join(lines))


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
def backup_command(destination: str) -> None:
    """Copy a live SQLite database to DESTINATION, consistent, while hall keeps running.

    SQLite's online backup copies the file page by page; kiosks and counters may keep
    writing meanwhile (a page they change is copied again). Restore by stopping hall and
    putting the copy in the database's place. PostgreSQL is backed up with pg_dump."""
    import sqlite3

    from sqlalchemy.engine import make_url

    app = _app()
    url = make_url(str(app.config["DATABASE_URL"]))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "hall backup copies a SQLite file; for PostgreSQL use pg_dump, e.g. "
            "pg_dump --format=custom --file=hall.dump DATABASE")
    if os.path.abspath(destination) == os.path.abspath(url.database):
        raise click.ClickException("the copy must not replace the database itself")
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target, pages=256, sleep=0.01)  # steps: writers are never held long
        checked = target.execute("PRAGMA integrity_check").fetchone()[0]
        tickets = target.execute("SELECT count(*) FROM tickets").fetchone()[0]
    finally:
        target.close()
        source.close()
    if checked != "ok":
        raise click.ClickException(f"the copy failed its integrity check: {checked}")
    click.echo(f"{destination}: {tickets} tickets, integrity ok")


db_group = click.Group("db", help="The database's schema, and moving to another database.")


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Bring the schema to this release's (after installing a new release; idempotent).

    Take a backup first. With several processes, stop them all, upgrade once, start them."""
    engine = _app().extensions["hall.engine"]
    before = schema.current_revision(engine)
    schema.upgrade(engine)
    after = schema.current_revision(engine)
    click.echo(f"schema at {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@db_group.command("copy")
@click.argument("target_url")
def db_copy(target_url: str) -> None:
    """Copy every row of this hall's database into TARGET_URL, an empty database.

    For a commune moving from SQLite to PostgreSQL: stop hall, run
    `hall db copy postgresql://hall@localhost/hall`, set HALL_DATABASE_URL to it, start hall.
    Ids, numbering, tokens and links are kept; the source is left as it was."""
    from hall.store.copy import CopyRefused
    from hall.store.copy import copy_database
    from hall.store.db import make_engine

    source = _app().extensions["hall.engine"]
    target = make_engine(target_url)
    try:
        copied = copy_database(source, target,
                               lambda table, rows: click.echo(f"{table}: {rows}", err=True))
    except CopyRefused as refused:
        raise click.ClickException(str(refused)) from None
    finally:
        target.dispose()
    click.echo(f"copied {sum(copied.values())} rows ({copied.get('tickets', 0)} tickets) at "
               f"schema {schema.current_revision(source)}; now set HALL_DATABASE_URL to the "
               "new database and start hall")


def register_commands(app: Flask) -> None:
    for command in (init_command, user_group, token_group, run_command, demo_command,
                    backup_command, db_group):
        app.cli.add_command(command)


def main() -> None:
    """Console script; `hall run` patches the process for gevent before anything else."""
    if sys.argv[1:2] == ["run"]:
        from gevent import monkey

        monkey.patch_all()
    from hall import create_app

    group = FlaskGroup(create_app=create_app, add_default_commands=False,
                       help="hall: queue-number system for one-stop halls.")
    group.add_command(shell_command)
    group.add_command(routes_command)
    group.main(prog_name="hall")


if __name__ == "__main__":
    main()
