#define _GNU_SOURCE
#include "CExecutorHook.h"
#include <dlfcn.h>
#include <stddef.h>

// Defined by the Swift concurrency runtime (libswift_Concurrency), which every Swift program links.
extern void *swift_task_enqueueGlobal_hook;

void **deck_enqueue_global_hook_direct(void) {
    return &swift_task_enqueueGlobal_hook;
}

void **deck_enqueue_global_hook_slot(void) {
    void *found = dlsym(RTLD_DEFAULT, "swift_task_enqueueGlobal_hook");
    return found ? (void **)found : deck_enqueue_global_hook_direct();
}

int deck_enqueue_global_hook_is_dynamic(void) {
    return dlsym(RTLD_DEFAULT, "swift_task_enqueueGlobal_hook") != NULL;
}
