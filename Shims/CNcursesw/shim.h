// Wide-character ncurses for Swift.
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so wide-character support is switched on here,
// before the header is included. Macros Swift cannot import are wrapped as inline functions.
#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static inline attr_t cn_attr_normal(void) { return A_NORMAL; }
static inline attr_t cn_attr_bold(void) { return A_BOLD; }
static inline attr_t cn_attr_dim(void) { return A_DIM; }
static inline attr_t cn_attr_reverse(void) { return A_REVERSE; }
static inline attr_t cn_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_attr_italic(void) { return A_ITALIC; }

static inline int cn_key_f(int n) { return KEY_F(n); }

/// The standard screen, since the C global cannot be referenced from Swift 6.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }

/// glibc's wcwidth, which Swift's Glibc module hides.
static inline int cn_wcwidth(wchar_t c) { return wcwidth(c); }

/// The terminal's size from the tty driver (rows, columns); 0 when unknown.
static inline void cn_tty_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0) { *rows = ws.ws_row; *cols = ws.ws_col; }
    else { *rows = 0; *cols = 0; }
}

#endif
