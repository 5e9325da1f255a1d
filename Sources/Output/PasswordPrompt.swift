#if canImport(Glibc)
import Glibc
#endif

/// Reads a password on the terminal with echo off; nil when there is no terminal.
public func readPasswordFromTerminal(prompt: String) -> String? {
    guard let tty = fopen("/dev/tty", "r+") else { return nil }
    defer { fclose(tty) }
    let fd = fileno(tty)
    var saved = termios()
    let canHideEcho = tcgetattr(fd, &saved) == 0
    if canHideEcho {
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(fd, TCSANOW, &quiet)
    }
    defer {
        if canHideEcho { tcsetattr(fd, TCSANOW, &saved) }
        fputs("\n", tty)
    }
    return Output.prompt(prompt, on: tty)
}
