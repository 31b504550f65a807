#ifndef C_EXECUTOR_HOOK_H
#define C_EXECUTOR_HOOK_H

/// The address of the Swift runtime's `swift_task_enqueueGlobal_hook`: the variable through which
/// a program may take over where Swift concurrency runs its jobs. Found by `dlsym` when the runtime
/// is a shared library; referenced directly when it is linked into the binary (`-static-stdlib`),
/// where `dlsym` cannot see it. Never NULL.
void *_Nullable *_Nonnull deck_enqueue_global_hook_slot(void);

/// `swift_task_enqueueGlobal_hook` as the linker resolved it (what the slot is without `dlsym`).
void *_Nullable *_Nonnull deck_enqueue_global_hook_direct(void);

/// Whether `deck_enqueue_global_hook_slot` found the variable with `dlsym` (a shared runtime).
int deck_enqueue_global_hook_is_dynamic(void);

#endif
