#define _GNU_SOURCE
#include "CProcess.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 64
static volatile pid_t children[MAX_CHILDREN];

static void remember(pid_t pid) {
    for (int i = 0; i < MAX_CHILDREN; i++) {
        if (__sync_bool_compare_and_swap(&children[i], 0, pid)) return;
    }
}

void cprocess_forget(pid_t pid) {
    for (int i = 0; i < MAX_CHILDREN; i++) {
        if (__sync_bool_compare_and_swap(&children[i], pid, 0)) return;
    }
}

void cprocess_signal_all(int sig) {
    for (int i = 0; i < MAX_CHILDREN; i++) {
        pid_t pid = children[i];
        if (pid > 0) kill(-pid, sig);
    }
}

/// Looks `name` up on PATH as execvp would, into `out` (so the child needs no allocation).
static int resolve(const char *name, const char *path, char *out, size_t size) {
    if (strchr(name, '/') != NULL) {
        if (strlen(name) >= size) return ENAMETOOLONG;
        strcpy(out, name);
        return access(out, X_OK) == 0 ? 0 : errno;
    }
    if (path == NULL || *path == '\0') path = "/usr/local/bin:/usr/bin:/bin";
    int found = ENOENT;
    const char *start = path;
    while (1) {
        const char *end = strchr(start, ':');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        if (length == 0) { start = "."; length = 1; }
        if (length + 1 + strlen(name) < size) {
            memcpy(out, start, length);
            out[length] = '/';
            strcpy(out + length + 1, name);
            if (access(out, X_OK) == 0) return 0;
            if (errno == EACCES) found = EACCES;
        }
        if (!end) break;
        start = end + 1;
    }
    return found;
}

pid_t cprocess_spawn(const char *const argv[], const char *const envp[], int stdin_fd, int stdout_fd, int stderr_fd,
                     int *spawn_errno) {
    *spawn_errno = 0;
    // The command is found before forking, with the PATH the child will have.
    const char *path = NULL;
    for (int i = 0; envp[i] != NULL; i++) {
        if (strncmp(envp[i], "PATH=", 5) == 0) path = envp[i] + 5;
    }
    char program[4096];
    int problem = resolve(argv[0], path, program, sizeof(program));
    if (problem != 0) {
        *spawn_errno = problem;
        return -1;
    }
    // exec's failure comes back through a close-on-exec pipe: nothing read means exec worked.
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *spawn_errno = errno;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *spawn_errno = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(127);
        // The signal mask and dispositions of the dashboard are not the server's.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < 32; sig++) {
            if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
        }
        if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) {
            int error = errno;
            ssize_t ignored = write(report[1], &error, sizeof(error));
            (void)ignored;
            _exit(127);
        }
        // Every other descriptor (the terminal, sockets, the database) stays with the dashboard.
        long max = sysconf(_SC_OPEN_MAX);
        if (max < 0 || max > 65536) max = 65536;
        int keep = report[1];
        int closed = -1;
#ifdef SYS_close_range
        closed = (keep <= 3 || syscall(SYS_close_range, 3, (unsigned)keep - 1, 0) == 0)
            && syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0) == 0 ? 0 : -1;
#endif
        if (closed != 0) {
            for (int fd = 3; fd < max; fd++) {
                if (fd != keep) close(fd);
            }
        }
        execve(program, (char *const *)argv, (char *const *)envp);
        int error = errno;
        ssize_t ignored = write(report[1], &error, sizeof(error));
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int error = 0;
    ssize_t got;
    do {
        got = read(report[0], &error, sizeof(error));
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof(error)) {
        *spawn_errno = error;
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        return -1;
    }
    remember(pid);
    return pid;
}

int cprocess_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

void cprocess_block_signals(void) {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
}
