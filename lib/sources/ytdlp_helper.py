"""
yt-dlp kept warm: imports yt_dlp once, then answers extractions read as JSON lines on stdin, one at a time.

A request is {"id": N, "args": [...], "timeout": SECONDS}: the same command line a one-off `yt-dlp -J` run
would get, read by yt_dlp.parse_options, so both paths share one list of options (the egress proxy, the
ignored config files, the operator's extra options). The answer is {"id": N, "json": INFO} (what `-J` prints)
or {"id": N, "error": TEXT} (what yt-dlp would have printed to stderr). {"cancel": N} stops extraction N by
ending this process: Python cannot stop a thread, and the client starts a fresh helper.

The first line written is {"hello": {"version": V}}, or {"unavailable": REASON} when yt_dlp cannot be imported
(a PyInstaller build, say). The helper exits when its stdin closes or its parent is gone, so a killed bot leaves
no helper behind, and when an extraction overruns its time-out. When yt-dlp changed on disk since it was
imported (an upgrade), a request is answered {"id": N, "changed": TEXT} and the helper ends, so the client
asks a fresh one, which imports the new version.
"""
import json
import os
import sys
import threading
import time

# Only answers may reach the real stdout: whatever yt-dlp (or a program it starts) prints goes to stderr.
ANSWERS = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr
WRITE_LOCK = threading.Lock()
PARENT = os.getppid()
MAX_ERROR_CHARS = 4000
# Past its time-out an extraction is given this long to end before the helper ends itself.
TIMEOUT_GRACE_SECONDS = 2.0


def send(message):
    line = json.dumps(message, ensure_ascii=False, default=str)
    with WRITE_LOCK:
        ANSWERS.write(line + "\n")
        ANSWERS.flush()


try:
    import yt_dlp
    from yt_dlp.version import __version__ as VERSION
except BaseException as error:  # noqa: BLE001 - any failure to import means "not usable as a library"
    send({"unavailable": f"{type(error).__name__}: {error}"[:500]})
    sys.exit(3)


def installed_stamp():
    """When the imported yt_dlp package was last written: an upgrade rewrites its __init__.py."""
    try:
        return os.stat(yt_dlp.__spec__.origin).st_mtime_ns
    except (OSError, AttributeError, TypeError):
        return None


IMPORTED_STAMP = installed_stamp()


class Collected:
    """yt-dlp's logger for one extraction: keeps what it would print to stderr, for the error answer."""

    def __init__(self):
        self.lines = []
        self.failed = False

    def debug(self, message):
        pass

    def info(self, message):
        pass

    def warning(self, message):
        self._keep(message)

    def error(self, message):
        self.failed = True
        self._keep(message)

    def _keep(self, message):
        if sum(len(line) for line in self.lines) < MAX_ERROR_CHARS:
            self.lines.append(str(message))


def warm_up():
    """Loads what the first real extraction would otherwise load: option parsing and the common extractors."""
    yt_dlp.parse_options(["--ignore-config", "-J", "--", "https://example.invalid/"])
    ydl = yt_dlp.YoutubeDL({"quiet": True, "no_warnings": True})
    for key in ("Generic", "Youtube", "YoutubeSearch", "YoutubeTab"):
        try:
            ydl.get_info_extractor(key)
        except Exception:  # noqa: BLE001 - an extractor renamed in some version only costs its warm-up
            pass
    # Every extraction asks each extractor whether the URL is its own; the first time compiles ~1,800
    # patterns (0.7 s here), which would otherwise fall on the first user's link.
    from yt_dlp.extractor import gen_extractor_classes

    for extractor in gen_extractor_classes():
        try:
            extractor.suitable("https://example.invalid/warm-up")
        except Exception:  # noqa: BLE001 - as above
            pass


def extract(args):
    parsed = yt_dlp.parse_options(args)
    if len(parsed.urls) != 1:
        raise ValueError(f"expected one URL, got {len(parsed.urls)}")
    collected = Collected()
    # The outdated-version notice belongs to the operator's log at start-up, not to every failed extraction.
    options = dict(parsed.ydl_opts, logger=collected, quiet=True, noprogress=True, warn_when_outdated=False)
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(parsed.urls[0], download=False)
            # yt-dlp's default "ignoreerrors: only_download" reports a failed extraction without raising.
            if info is not None and not collected.failed:
                return {"json": ydl.sanitize_info(info)}
            return {"error": ("\n".join(collected.lines) or "ERROR: nothing was extracted")[:MAX_ERROR_CHARS]}
    except yt_dlp.utils.DownloadError as error:
        text = "\n".join(collected.lines) or str(error)
        return {"error": text[:MAX_ERROR_CHARS]}


class Current:
    """The extraction running now, so the reader thread can act on its cancellation and time-out."""

    lock = threading.Lock()
    request_id = None
    deadline = None


def run_requests(pending):
    while True:
        request = pending.get()
        if request is None:
            os._exit(0)
        request_id = request.get("id")
        if installed_stamp() != IMPORTED_STAMP:
            send({"id": request_id, "changed": "yt-dlp changed on disk since this helper imported it"})
            os._exit(0)
        with Current.lock:
            Current.request_id = request_id
            Current.deadline = time.monotonic() + float(request.get("timeout", 60)) + TIMEOUT_GRACE_SECONDS
        try:
            answer = extract([str(arg) for arg in request["args"]])
        except SystemExit as error:  # optparse's way of refusing an option
            answer = {"error": f"ERROR: bad options ({error})"}
        except BaseException as error:  # noqa: BLE001 - reported to the client, which decides what it means
            answer = {"error": f"ERROR: {type(error).__name__}: {error}"[:MAX_ERROR_CHARS]}
        with Current.lock:
            Current.request_id = None
            Current.deadline = None
        send({"id": request_id, **answer})


def read_requests(pending):
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if "cancel" in message:
            with Current.lock:
                if message["cancel"] == Current.request_id:
                    os._exit(0)
            continue
        pending.put(message)
    # The bot closed the pipe or died: nobody is left to answer.
    os._exit(0)


def watch():
    """Ends the helper when its parent is gone or an extraction overruns its time-out."""
    while True:
        time.sleep(0.5)
        if os.getppid() != PARENT:
            os._exit(0)
        with Current.lock:
            if Current.deadline is not None and time.monotonic() > Current.deadline:
                os._exit(4)


def main():
    import queue

    warm_up()
    pending = queue.Queue()
    threading.Thread(target=read_requests, args=(pending,), daemon=True).start()
    threading.Thread(target=watch, daemon=True).start()
    send({"hello": {"version": VERSION}})
    run_requests(pending)


main()
