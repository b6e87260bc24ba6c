"""
The yt_dlp library as the bot's warm helper sees it in tests: the real package, except that what the fake
yt-dlp command serves (YouTube, and the SoundCloud and Bandcamp pages of the catalog) is answered by that
command (fake_ytdlp.ts, found beside the catalog named by FAKE_YOUTUBE_CATALOG), run with the same command
line the helper was given. Everything else (web pages, media links) goes to the real library.

A file called "hold" beside the catalog makes a faked extraction wait (after appending a line to "held": the
helper's process id and the URL) until the file is gone, so a test can kill the helper mid-extraction.
"""
import importlib.machinery
import json
import os
import re
import subprocess
import sys
import time

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_REAL = importlib.machinery.PathFinder.find_spec(
    "yt_dlp", [path for path in sys.path if os.path.abspath(path or ".") != _HERE]
)
# Submodules come from the real package, whose __init__ runs in this module's namespace.
__path__ = [os.path.dirname(_REAL.origin)]
__file__ = _REAL.origin
with open(_REAL.origin, encoding="utf-8") as _source:
    exec(compile(_source.read(), _REAL.origin, "exec"))

from . import version as _version  # noqa: E402

_CATALOG_PATH = os.environ.get("FAKE_YOUTUBE_CATALOG")
_CATALOG = json.load(open(_CATALOG_PATH, encoding="utf-8")) if _CATALOG_PATH else {}
_DIR = os.path.dirname(_CATALOG_PATH) if _CATALOG_PATH else ""
if _CATALOG.get("version"):
    _version.__version__ = _CATALOG["version"]
_FAKED = re.compile(
    r"^(ytsearch\d*:|https?://((www|m|music)\.)?(youtube\.com|youtu\.be|youtube-nocookie\.com)/"
    r"|https?://(on\.)?soundcloud\.com/|https?://[a-z0-9-]+\.bandcamp\.com/)",
    re.I,
)

_real_parse_options = parse_options  # noqa: F821 - defined by the real __init__ above
_RealYoutubeDL = YoutubeDL  # noqa: F821


def parse_options(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    if _CATALOG.get("version", "9999") < "2025.11.12" and any(a.startswith("--js-runtimes") for a in args):
        raise SystemExit("no such option: --js-runtimes")
    parsed = _real_parse_options(args)
    parsed.ydl_opts["_fake_argv"] = args
    return parsed


class YoutubeDL(_RealYoutubeDL):
    def extract_info(self, url, download=True, *rest, **named):
        argv = self.params.get("_fake_argv")
        if not _CATALOG_PATH or argv is None or not _FAKED.match(url):
            return super().extract_info(url, download, *rest, **named)
        _wait_while_held(url)
        run = subprocess.run(
            [os.path.join(_DIR, "yt-dlp"), *argv],
            capture_output=True,
            text=True,
            env={**os.environ, "FAKE_YTDLP_VIA": "helper"},
        )
        if run.returncode != 0:
            for line in run.stderr.splitlines():
                if line.startswith("ERROR: "):
                    self.report_error(line[len("ERROR: "):])
            return None
        return json.loads(run.stdout) if run.stdout.strip() else {}


def _wait_while_held(url):
    hold = os.path.join(_DIR, "hold")
    if not os.path.exists(hold):
        return
    with open(os.path.join(_DIR, "held"), "a", encoding="utf-8") as held:
        held.write(f"{os.getpid()} {url}\n")
    while os.path.exists(hold):
        time.sleep(0.05)
