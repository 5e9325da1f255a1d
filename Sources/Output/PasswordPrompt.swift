#if canImport(Glibc)
import Glibc
#endif

// For the Ctrl-C handler: the terminal settings to put back before exiting.
nonisolated(unsafe) private var echoingSettings = termios()
nonisolated(unsafe) private var promptTerminal: Int32 = -1

/// Reads a password on the terminal with echo off; nil when there is no terminal.
/// Ctrl-C at the prompt turns echo back on before exiting (130).
public func readPasswordFromTerminal(prompt: String) -> String? {
    guard let tty = fopen("/dev/tty", "r+") else { return nil }
    defer { fclose(tty) }
    let fd = fileno(tty)
    var saved = termios()
    let canHideEcho = tcgetattr(fd, &saved) == 0
    if canHideEcho {
        echoingSettings = saved
        promptTerminal = fd
        signal(SIGINT) { _ in
            tcsetattr(promptTerminal, TCSANOW, &echoingSettings)
            _exit(130)
        }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(fd, TCSANOW, &quiet)
    }
    defer {
        if canHideEcho {
            tcsetattr(fd, TCSANOW, &saved)
            signal(SIGINT, SIG_DFL)
        }
        fputs("\n", tty)
    }
    return Output.prompt(prompt, on: tty)
}
