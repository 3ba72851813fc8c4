"""The local console: type `/hrc …` commands in the terminal, or pipe them in, one reply per line.

Acts as one local user (platform "console"); notices for other console users are printed inline,
notices for Slack or Discord members are shown as what would be sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.render_text import plain_mentions, render_text
from bot.wiring import Runtime
from handlers.i18n import translator
from handlers.types import Actor, Attachment, MemberRef, Place, Reply

if TYPE_CHECKING:
    from bot.broadcast import BroadcastWorker

WORKSPACE = "local"
HISTORY_FILE = Path.home() / ".hrc_bot_history"
PROMPT = "hrc> "
OUTBOX_GRACE = 5.0  # seconds a delivery in flight may take to finish when the console closes


class ConsoleSender:
    """Prints what would be sent; its own lines ("→ message to @bob:") in ``language``, the console reader's
    (``run_console`` keeps it to the language of the last answer)."""

    platform = "console"
    # The secretariat's messages queued in the outbox (the scheduler's reminders) come to this "channel".
    secretariat_channel = "secretariat"

    def __init__(self, out: TextIO | Screen, language: str = "") -> None:
        self.out = out
        self.language = language

    async def send_to_member(self, member: MemberRef, reply: Reply, *, delivery_key: str | None = None) -> str:
        _ = translator(self.language)
        name = "@" + plain_mentions(member.display_name)
        if member.platform == "console":
            line = _("→ message to {name}:").format(name=name)
        else:
            line = _("→ message to {name} on {platform}:").format(name=name, platform=member.platform.capitalize())
        self.out.write(f"{line}\n{_indent(render_text(reply))}\n")
        return "console"

    async def send_to_channel(
        self, workspace: str, channel_id: str, reply: Reply, *, delivery_key: str | None = None
    ) -> str:
        if channel_id == self.secretariat_channel:
            await self.send_to_secretariat(reply)
            return "console"
        _ = translator(self.language)
        self.out.write(_("→ post to {channel}:").format(channel=f"#{channel_id}") + f"\n{_indent(render_text(reply))}\n")
        return "console"

    async def send_to_secretariat(self, reply: Reply) -> None:
        _ = translator(self.language)
        self.out.write(_("→ secretariat channel:") + f"\n{_indent(render_text(reply))}\n")


def save_attachment(folder: Path, attachment: Attachment) -> Path:
    """Write one file of a reply into ``folder`` (created when missing) and return its path. The name
    is the attachment's own, without any directory part; an existing file is never overwritten
    (``progress-2.png``, ``progress-3.png``…)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(attachment.filename).name or "file"
    stem, suffix = Path(name).stem, Path(name).suffix
    path, n = folder / name, 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    path.write_bytes(attachment.content)
    return path


def attachment_lines(folder: Path, reply: Reply) -> str:
    """Save the reply's files and say where they are, with their alt text ("" when there are none). A file
    that cannot be saved (a bad HRC_FILES_DIR, a full disk) is said so, in the reply's language; the
    session goes on."""
    lines = []
    _ = translator(reply.language or "en")
    for attachment in reply.attachments:
        try:
            path = save_attachment(folder, attachment)
        except OSError as error:
            lines.append("📎 " + _("Could not save {file} in {folder}: {reason}. Check HRC_FILES_DIR.").format(
                file=attachment.filename, folder=folder, reason=error.strerror or error))
        else:
            lines.append(f"📎 {path.resolve()}")
        lines += [f"  {line}" for line in attachment.alt_text.splitlines() if line]
    return "\n".join(lines)


class Screen:
    """The console's output, aware of the prompt: what is written while the prompt waits for a line (an
    announcement falling due) first clears the prompt's line, and ``restore`` then draws the prompt again
    with what had been typed, so the reader keeps typing where they were."""

    def __init__(self, out: TextIO, prompt: str = "") -> None:
        self.out = out
        self.prompt = prompt  # "" when no prompt is shown (piped input)
        self.prompting = False  # the prompt is on screen, waiting for a line
        self._cleared = False

    def write(self, text: str) -> int:
        if self.prompting and self.prompt and not self._cleared:
            self.out.write("\r\x1b[K")  # back to the start of the prompt's line, and erase it
            self._cleared = True
            # Whoever writes (the outbox between commands, the scheduler's prompts at any time), the prompt
            # comes back once they are done: after this turn of the loop, not at the next line typed.
            with contextlib.suppress(RuntimeError):  # no loop running: the caller restores
                asyncio.get_running_loop().call_soon(self.restore)
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()

    def line_read(self) -> None:
        self.prompting, self._cleared = False, False

    def restore(self) -> None:
        if self._cleared and self.prompting:
            self.out.write(self.prompt + _typed_so_far())
        self._cleared = False
        self.out.flush()


def _typed_so_far() -> str:
    try:
        import readline

        return readline.get_line_buffer()
    except (ImportError, AttributeError):
        return ""


def _indent(text: str) -> str:
    return "\n".join(f"  | {line}" for line in text.splitlines())


def console_actor(user: str, secretariat: bool) -> tuple[Actor, Place]:
    actor = Actor(platform="console", workspace=WORKSPACE, user_id=user, display_name=user, secretariat_role=secretariat)
    return actor, Place(platform="console", workspace=WORKSPACE, channel_id="console", is_direct=True)


class LineReader:
    """Lines from a blocking source (``input()``, a pipe), read one at a time on request in a daemon thread.

    A thread blocked in ``readline`` cannot be cancelled, and ``asyncio.to_thread``'s pool is joined when
    the event loop closes: a stop (SIGTERM, Ctrl-C) would then wait for the next line. A daemon thread
    does not hold the exit. ``None`` means end of input.
    """

    def __init__(self, read: Callable[[], str]) -> None:
        self._read = read
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Semaphore(0)
        threading.Thread(target=self._run, name="hrc-console-input", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._wanted.acquire()  # read only when asked: a prompt never shows before the last answer
            try:
                line: str | None = self._read()
            except (EOFError, OSError, ValueError):
                line = None
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            if line is None:
                return

    async def next(self, stop: asyncio.Event) -> str | None:
        """The next line, or None at end of input or once ``stop`` is set."""
        self._wanted.release()
        line = asyncio.ensure_future(self._lines.get())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({line, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not line.done():
            line.cancel()
            return None
        return line.result()


def _setup_history() -> None:
    try:
        import readline

        if HISTORY_FILE.exists():
            readline.read_history_file(HISTORY_FILE)
        readline.set_history_length(1000)
    except (ImportError, OSError):
        pass


def _save_history() -> None:
    try:
        import readline

        readline.write_history_file(HISTORY_FILE)
    except (ImportError, OSError):
        pass


async def run_console(
    runtime: Runtime,
    user: str,
    *,
    secretariat: bool,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    on_ready: Callable[[], None] | None = None,
    after_command: Callable[[], Awaitable[None]] | None = None,
    outbox: BroadcastWorker | None = None,
    stop: asyncio.Event | None = None,
    language: str = "",
) -> int:
    """Answer commands until end of input, ``exit``/``quit``, or ``stop`` being set (SIGTERM, Ctrl-C):
    the command being answered is finished first. Returns the exit code, 0. ``language`` (en, es, fr)
    plays the platform's language: a ``/hrc language`` choice stored for the console user still wins.
    ``outbox``: the broadcast worker, run in the background while the console is open (a scheduled
    announcement goes out at its time, not at the next command), between commands, never inside one."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    interactive = stdin.isatty() and out.isatty()
    screen = Screen(out, PROMPT if interactive else "")
    sender = ConsoleSender(screen, language or runtime.settings.default_language)
    runtime.notices.register(sender)
    actor, place = console_actor(user, secretariat)
    busy = asyncio.Lock()  # a command being answered, or a background pass of the outbox

    @contextlib.asynccontextmanager
    async def between_commands() -> AsyncIterator[None]:
        async with busy:
            try:
                yield
            finally:
                screen.restore()
    if on_ready is not None and interactive:
        on_ready()  # the scheduler prints due prompts into an interactive session only
    if interactive:
        _setup_history()
        _ = translator(sender.language)
        welcome = (_("Human Rights Cities bot, local console as {user} (secretariat). Type /hrc help for commands, Ctrl-D to quit.")
                   if secretariat else
                   _("Human Rights Cities bot, local console as {user}. Type /hrc help for commands, Ctrl-D to quit."))
        screen.write(welcome.format(user=user) + "\n")
    stop = stop or asyncio.Event()

    def read_line() -> str:
        if interactive:
            screen.prompting = True
            return input(PROMPT)
        line = stdin.readline()
        if not line:
            raise EOFError
        return line

    lines = LineReader(read_line)
    if outbox is not None:
        outbox.start(guard=between_commands)
    try:
        while True:
            line = await lines.next(stop)
            screen.line_read()
            if line is None:
                if interactive:
                    screen.write("\n")
                break
            if interactive and line.strip() in ("exit", "quit"):
                break
            if not interactive and line.lstrip().startswith("#"):
                continue
            async with busy:
                reply = await runtime.answer_text(actor, place, line.rstrip("\n"), language)
                sender.language = reply.language or sender.language  # a `/hrc language` choice may have changed it
                saved = await asyncio.to_thread(attachment_lines, Path(runtime.settings.files_dir), reply)
                screen.write(render_text(reply) + ("\n" + saved if saved else "") + "\n\n")
                await runtime.deliver_notices(reply)
                if after_command is not None:
                    await after_command()
                screen.flush()
    finally:
        if outbox is not None:
            await outbox.stop(grace=OUTBOX_GRACE)
        if interactive:
            _save_history()
    return 0
