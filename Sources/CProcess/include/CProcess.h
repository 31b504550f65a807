#ifndef CPROCESS_H
#define CPROCESS_H

#include <sys/types.h>

/// Starts `argv[0]` (looked up on PATH) with `envp`, in a process group of its own, with its
/// stdin, stdout and stderr on the given descriptors (every other descriptor closed). The child
/// is sent SIGTERM if this process dies (PR_SET_PDEATHSIG), and is recorded so a fatal-signal
/// handler can end its group. Returns the pid, or -1 with `*spawn_errno` set (for example ENOENT
/// when the command does not exist).
pid_t cprocess_spawn(const char *const argv[], const char *const envp[], int stdin_fd, int stdout_fd, int stderr_fd,
                     int *spawn_errno);

/// A pipe whose two ends close on exec (pipe2 with O_CLOEXEC).
int cprocess_pipe(int fds[2]);

/// Blocks every signal in the calling thread: a reader thread must never take the SIGHUP,
/// SIGTERM or SIGWINCH the dashboard's signal watcher waits for.
void cprocess_block_signals(void);

/// Forgets a child that has been reaped.
void cprocess_forget(pid_t pid);

/// Sends `sig` to the process group of every recorded child. Async-signal-safe.
void cprocess_signal_all(int sig);

#endif
