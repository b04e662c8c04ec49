"""A network ESC/POS printer on 127.0.0.1 that records the bytes it is sent."""

from __future__ import annotations

import socket
import struct
import threading
from types import TracebackType

from PIL import Image

DLE_EOT = b"\x10\x04"


class FakePrinter:
    """Accepts jobs on 127.0.0.1; answers paper-status queries with `paper_byte`.

    `mode` may be changed while it runs: "ok"; "hang" (reads the first bytes of a job, then
    neither reads nor answers until closed); "drop" (reads the first bytes, then resets the
    connection). Jobs cut short are kept in `aborted`, not in `jobs`.
    """

    def __init__(self, paper_byte: int = 18, port: int = 0, mode: str = "ok") -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.address = f"network://127.0.0.1:{self.port}"
        self.paper_byte = paper_byte
        self.mode = mode
        self.jobs: list[bytes] = []
        self.queries: list[bytes] = []
        self.aborted: list[bytes] = []
        self.closing = threading.Event()
        self.done = threading.Condition()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._job, args=(connection,), daemon=True).start()

    def _job(self, connection: socket.socket) -> None:
        received = bytearray()
        mode = self.mode
        with connection:
            while chunk := connection.recv(4096 if mode != "ok" else 65536):
                received.extend(chunk)
                if mode != "ok" and b"\x1dv0" in received:
                    self._fail(connection, mode, bytes(received))
                    return
                if received.endswith(DLE_EOT + b"\x04"):
                    connection.sendall(bytes([self.paper_byte]))
        with self.done:
            # A connection that only asked for status is not a print job.
            (self.jobs if b"\x1dv0" in received else self.queries).append(bytes(received))
            self.done.notify_all()

    def _fail(self, connection: socket.socket, mode: str, received: bytes) -> None:
        with self.done:
            self.aborted.append(received)
            self.done.notify_all()
        if mode == "hang":
            self.closing.wait()
        else:  # linger 0: close with a reset, as a printer that loses power does
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    @classmethod
    def on_port(cls, port: int) -> FakePrinter:
        """A printer coming back on the address a kiosk already uses."""
        return cls(port=port)

    def wait_for_jobs(self, count: int, timeout: float = 5) -> list[bytes]:
        with self.done:
            self.done.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def close(self) -> None:
        self.closing.set()
        # shutdown wakes the accept() above; close alone would leave the port listening.
        try:
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()
        self.thread.join(2)

    def __enter__(self) -> FakePrinter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def raster_images(stream: bytes) -> list[Image.Image]:
    """Decode every GS v 0 raster block of an ESC/POS stream back into 1-bit images."""
    images, index = [], 0
    while (start := stream.find(b"\x1dv0", index)) >= 0:
        _mode, xl, xh, yl, yh = stream[start + 3:start + 8]
        width_bytes, height = xl + 256 * xh, yl + 256 * yh
        data = stream[start + 8:start + 8 + width_bytes * height]
        # ESC/POS: a set bit is a black dot; in PIL's "1" mode a set bit is white.
        inverted = bytes(255 - byte for byte in data)
        images.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        index = start + 8 + len(data)
    return images
