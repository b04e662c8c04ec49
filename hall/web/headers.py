"""Security headers on every answer, and the session cookie's flags.

Every page loads its scripts, styles, images, sounds and socket from this server only (the
front-end libraries are served from hall/static/vendor, never from a CDN), so the
Content-Security-Policy allows nothing else: no inline script, no framing by another site.
The pages' JSON data blocks (`<script type="application/json">`) are data, not script, and
are unaffected."""

from __future__ import annotations

from flask import Flask
from flask import Response

POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",  # blob: a QR code drawn for the admin page
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Tracking links carry a token: never send a page's address to another site.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Set the cookie flags (Secure when the public address is https) and the headers."""
    public = str(app.config.get("PUBLIC_URL") or "")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):  # Flask's default is none at all
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if public.startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True

    @app.after_request
    def _secure(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
