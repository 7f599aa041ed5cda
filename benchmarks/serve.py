"""Serve a built site on 127.0.0.1 with gzip, as static hosts such as GitHub Pages do, for Lighthouse and timing
runs."""

from __future__ import annotations

import argparse
import gzip
import http.server
import mimetypes
import urllib.parse
from functools import partial
from pathlib import Path

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for text types when the client accepts it."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urllib.parse.urlsplit(self.path).path.endswith(
                "/"
            ):  # a query string (compare/?m=) is not part of the path
                return super().send_head()
            path = path / "index.html"
        kind = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not kind.startswith(COMPRESSIBLE)
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        from io import BytesIO

        return BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), partial(GzipHandler, directory=str(args.site)))
    print(f"serving {args.site} at http://127.0.0.1:{args.port}/ with gzip")
    server.serve_forever()


if __name__ == "__main__":
    main()
