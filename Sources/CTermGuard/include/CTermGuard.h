#ifndef CTERMGUARD_H
#define CTERMGUARD_H

/// Remembers the terminal's settings on `tty_fd` so they can be put back from a signal handler.
/// Returns 0 on success, -1 when `tty_fd` is not a terminal.
int ctg_save_terminal(int tty_fd);

/// Installs handlers for fatal signals (SEGV, BUS, ILL, FPE, ABRT, TRAP) that restore the saved
/// terminal settings, leave the alternate screen, show the cursor, print `message` on the
/// terminal, then let the signal take its default course (a core dump, a non-zero exit).
void ctg_install_crash_handlers(const char *message);

/// Puts the saved terminal settings back and leaves the alternate screen. Safe to call twice.
void ctg_restore_terminal(void);

#endif
