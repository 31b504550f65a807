#include "CTermGuard.h"
#include "CProcess.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_termios;
static int saved_fd = -1;
static char crash_message[512];
static volatile sig_atomic_t restored = 0;

int ctg_save_terminal(int tty_fd) {
    if (!isatty(tty_fd)) return -1;
    if (tcgetattr(tty_fd, &saved_termios) != 0) return -1;
    saved_fd = tty_fd;
    restored = 0;
    return 0;
}

static void write_all(int fd, const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t written = write(fd, text, length);
        if (written <= 0) return;
        text += written;
        length -= (size_t)written;
    }
}

void ctg_restore_terminal(void) {
    if (saved_fd < 0 || restored) return;
    restored = 1;
    tcsetattr(saved_fd, TCSAFLUSH, &saved_termios);
    // Leave the alternate screen, show the cursor, reset attributes, turn bracketed paste off.
    write_all(saved_fd, "\033[?2004l\033[?1049l\033[?25h\033[0m\r\n");
}

static void on_fatal_signal(int sig) {
    // Tool servers end with the dashboard, even when it crashes.
    cprocess_signal_all(SIGTERM);
    ctg_restore_terminal();
    if (saved_fd >= 0 && crash_message[0] != '\0') {
        write_all(saved_fd, crash_message);
        write_all(saved_fd, "\r\n");
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void ctg_install_crash_handlers(const char *message) {
    if (message != NULL) {
        strncpy(crash_message, message, sizeof(crash_message) - 1);
        crash_message[sizeof(crash_message) - 1] = '\0';
    }
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (unsigned i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        action.sa_handler = on_fatal_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(signals[i], &action, NULL);
    }
}
