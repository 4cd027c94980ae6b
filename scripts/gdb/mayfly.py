# gdb commands for a Mayfly guest under QEMU's gdb stub (scripts/gdb/attach sources this file):
#   mayfly-threads            the cooperative threads (kernel/thread.c's list): name, state, saved rsp/rip
#   mayfly-bt [ID|NAME|ADDR]  a backtrace of one thread; of every thread with no argument
#   mayfly-module [FILE.app]  load an app module's symbols where the shared OS's loader linked it
# gdb's own `info threads` shows QEMU's vCPUs, not these: Mayfly's threads switch in
# kernel/switch.S, which gdb knows nothing of, so these commands read the kernel's tables.
import gdb

# What context_switch (kernel/switch.S) leaves at a switched-out thread's saved rsp, in words:
# the MXCSR/x87 control words, r15, r14, r13, r12, rbx, rbp, then the return address into
# schedule(). Keep in step with switch.S and thread_create's initial frame in kernel/thread.c.
SAVED_WORDS = ("ctl", "r15", "r14", "r13", "r12", "rbx", "rbp", "rip")
FRAME_BYTES = 8 * len(SAVED_WORDS)          # the rsp of the thread once context_switch returned


def static_in(name, file_suffix):
    """The static variable `name` of the source file ending in file_suffix (several files of the
    OS have a static of one name, and a module loaded beside it may add more)."""
    for sym in gdb.lookup_static_symbols(name):
        if sym.symtab is not None and sym.symtab.filename.endswith(file_suffix):
            return sym.value()
    raise gdb.GdbError("no static '%s' in %s: are the kernel's symbols loaded (the unstripped ELF)?"
                       % (name, file_suffix))


def code_address(pc):
    """pc as gdb prints a code address: 0x... <function+offset>."""
    if hasattr(gdb, "format_address"):                    # gdb 12 and later
        return gdb.format_address(pc)
    return gdb.execute("output/a %#x" % pc, to_string=True).strip()


def read_word(addr):
    return int(gdb.parse_and_eval("*(unsigned long *)%#x" % addr))


class Thread:
    def __init__(self, ident, value, running):
        self.id = ident
        self.addr = int(value.address)
        self.name = value["name"].string(length=16).split("\0")[0]
        self.running = running
        state = str(value["state"]).lower()
        if running:
            state = "running"
        elif state == "blocked" and int(value["waiting_on"]) != 0:
            state = "blocked (wait queue)"
        elif state == "blocked" and int(value["timer"]["armed"]):
            state = "blocked (sleeping)"
        self.state = state
        if running:
            frame = gdb.newest_frame()
            self.rsp = int(frame.read_register("rsp"))
            self.rip = int(frame.read_register("rip"))
            self.saved = None
        else:
            self.rsp = int(value["rsp"])
            try:
                self.saved = {reg: read_word(self.rsp + 8 * i) for i, reg in enumerate(SAVED_WORDS)}
                self.rip = self.saved["rip"]
            except gdb.MemoryError:                       # a saved rsp that points nowhere
                self.saved = None
                self.rip = 0


def threads():
    """Every thread, the oldest (boot) first, numbered from 1 in that order."""
    current = int(static_in("current", "kernel/thread.c"))
    found = []
    t = static_in("all_threads", "kernel/thread.c")
    while int(t) != 0 and len(found) < 100000:      # (a bound, should the list be corrupt)
        found.append(t.dereference())
        t = t["next_all"]
    found.reverse()                                   # all_add puts the newest first
    return [Thread(i + 1, v, int(v.address) == current) for i, v in enumerate(found)]


def pick(arg):
    all_threads = threads()
    if not arg:
        return all_threads
    for t in all_threads:
        if arg == str(t.id) or arg == t.name:
            return [t]
    try:
        addr = int(gdb.parse_and_eval(arg))
    except gdb.error:
        addr = None
    chosen = [t for t in all_threads if t.addr == addr]
    if not chosen:
        raise gdb.GdbError("mayfly-bt: no thread '%s' (mayfly-threads lists them)" % arg)
    return chosen


class MayflyThreads(gdb.Command):
    """List Mayfly's cooperative threads: id, name, state, the struct thread's address, and the
saved rsp and rip (for the running one, the CPU's). mayfly-bt ID shows one's backtrace."""

    def __init__(self):
        super().__init__("mayfly-threads", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        rows = threads()
        gdb.write("  %-3s %-16s %-21s %-18s %-18s %s\n" % ("ID", "NAME", "STATE", "THREAD", "RSP", "RIP"))
        for t in rows:
            gdb.write("%s %-3d %-16s %-21s %#-18x %#-18x %s\n" % ("*" if t.running else " ", t.id, t.name,
                                                                  t.state, t.addr, t.rsp, code_address(t.rip)))


class MayflyBacktrace(gdb.Command):
    """Backtrace of a Mayfly thread: mayfly-bt [ID|NAME|ADDRESS] (no argument: every thread).
A thread that is not running is shown from the registers context_switch saved on its stack: they
are put in the CPU for the time of gdb's `bt` (so gdb's own unwinder names every frame, with its
arguments and lines), and the CPU's own registers are put back at once after."""

    def __init__(self):
        super().__init__("mayfly-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        for t in pick(arg.strip()):
            gdb.write("thread %d '%s' (%s):\n" % (t.id, t.name, t.state))
            if t.running:
                gdb.execute("bt")
            elif t.saved is None:
                gdb.write("  its saved rsp %#x cannot be read\n" % t.rsp)
            else:
                self.saved_bt(t)

    @staticmethod
    def saved_bt(t):
        regs = dict(t.saved)
        del regs["ctl"]
        regs["rsp"] = t.rsp + FRAME_BYTES
        frame = gdb.newest_frame()
        frame.select()
        keep = {reg: int(frame.read_register(reg)) for reg in regs}
        try:
            for reg, val in regs.items():
                gdb.execute("set $%s = %#x" % (reg, val), to_string=True)
            text = gdb.execute("bt", to_string=True)
        finally:
            gdb.newest_frame().select()
            for reg, val in keep.items():
                gdb.execute("set $%s = %#x" % (reg, val), to_string=True)
            # (the first write of rip re-reads every frame: select the real frame 0 again)
            gdb.newest_frame().select()
        # (under `set trace-commands on` the capture starts with gdb's echo of the bt: not news)
        gdb.write("".join(line for line in text.splitlines(True) if line.rstrip("\n").lstrip("+") != "bt"))


class MayflyModule(gdb.Command):
    """Load an app module's symbols: mayfly-module FILE.app (gdb's file being the shared OS's ELF).
The loader (os/loader.c) keeps the module it linked in its static `app`; a module's address
there is app.base - app.lowest plus the address in the file. Before the module is linked (gdb
just attached, the CPU at reset) this runs the guest to the point right after the link, with a
one-time hardware breakpoint (it holds under KVM too), then loads the symbols. The address is the
same from boot to boot for one OS, module and memory size (the loader takes pages from the top of
memory), but it is read here rather than assumed. Without FILE: prints where the module is."""

    def __init__(self):
        super().__init__("mayfly-module", gdb.COMMAND_FILES, gdb.COMPLETE_FILENAME)

    def invoke(self, arg, from_tty):
        path = arg.strip()
        app = static_in("app", "os/loader.c")
        if int(app["base"]) == 0:
            if not path:
                gdb.write("no module linked yet\n")
                return
            # module_syms_register(image, len, &app) is the loader's first call after the link
            gdb.execute("thbreak module_syms_register", to_string=True)
            gdb.execute("continue")
            app = static_in("app", "os/loader.c")
            if int(app["base"]) == 0:
                raise gdb.GdbError("mayfly-module: the guest stopped before the module was linked")
        offset = int(app["base"]) - int(app["lowest"])
        if not path:
            gdb.write("module linked at %#x (%d KiB)\n" % (int(app["base"]), int(app["span"]) // 1024))
            return
        gdb.execute("add-symbol-file %s -o %#x" % (gdb_quote(path), offset), from_tty=False)
        gdb.write("mayfly-module: %s linked at %#x (its symbols offset by %#x)\n" % (path, int(app["base"]), offset))


def gdb_quote(path):
    if any(c.isspace() or c in "'\"\\" for c in path):
        return '"%s"' % path.replace("\\", "\\\\").replace('"', '\\"')
    return path


MayflyThreads()
MayflyBacktrace()
MayflyModule()
