// libcurl on first use, for release builds only (DECK_CURL_ON_DEMAND; see the header).
#include "CCurlOnDemand.h"

#ifdef DECK_CURL_ON_DEMAND
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static void *library = NULL;

static void *symbol(const char *name) {
    if (library == NULL) {
        library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (library == NULL) {
            fprintf(stderr, "ollama-deck: libcurl.so.4 is needed here and could not be loaded: %s\n", dlerror());
            abort();
        }
    }
    void *found = dlsym(library, name);
    if (found == NULL) {
        fprintf(stderr, "ollama-deck: libcurl.so.4 has no %s\n", name);
        abort();
    }
    return found;
}

int ccurl_on_demand_loaded(void) { return library != NULL; }

#define FORWARD0(ret, name) \
    ret name(void) { return ((ret (*)(void))symbol(#name))(); }
#define FORWARD1(ret, name, t1) \
    ret name(t1 a) { return ((ret (*)(t1))symbol(#name))(a); }
#define FORWARD2(ret, name, t1, t2) \
    ret name(t1 a, t2 b) { return ((ret (*)(t1, t2))symbol(#name))(a, b); }
#define FORWARD3(ret, name, t1, t2, t3) \
    ret name(t1 a, t2 b, t3 c) { return ((ret (*)(t1, t2, t3))symbol(#name))(a, b, c); }
#define FORWARD4(ret, name, t1, t2, t3, t4) \
    ret name(t1 a, t2 b, t3 c, t4 d) { return ((ret (*)(t1, t2, t3, t4))symbol(#name))(a, b, c, d); }
// The variadic ones take exactly one more argument: a long, an off_t, a pointer or a function
// pointer, each passed in one integer register on the platforms Swift runs on here.
#define FORWARD_VARIADIC(name) \
    int name(void *handle, int option, ...) { \
        va_list list; \
        va_start(list, option); \
        void *value = va_arg(list, void *); \
        va_end(list); \
        return ((int (*)(void *, int, void *))symbol(#name))(handle, option, value); \
    }

FORWARD1(void, curl_easy_cleanup, void *)
FORWARD_VARIADIC(curl_easy_getinfo)
FORWARD0(void *, curl_easy_init)
FORWARD2(int, curl_easy_pause, void *, int)
FORWARD_VARIADIC(curl_easy_setopt)
FORWARD1(const char *, curl_easy_strerror, int)
FORWARD1(int, curl_global_init, long)
FORWARD2(int, curl_multi_add_handle, void *, void *)
FORWARD3(int, curl_multi_assign, void *, int, void *)
FORWARD1(int, curl_multi_cleanup, void *)
FORWARD2(void *, curl_multi_info_read, void *, int *)
FORWARD0(void *, curl_multi_init)
FORWARD2(int, curl_multi_remove_handle, void *, void *)
FORWARD_VARIADIC(curl_multi_setopt)
FORWARD4(int, curl_multi_socket_action, void *, int, int, int *)
FORWARD2(void *, curl_slist_append, void *, const char *)
FORWARD1(void, curl_slist_free_all, void *)
FORWARD0(void *, curl_url)
FORWARD1(void, curl_free, void *)
FORWARD4(int, curl_url_get, void *, int, char **, unsigned)
FORWARD4(int, curl_url_set, void *, int, const char *, unsigned)
FORWARD0(char *, curl_version)
FORWARD1(void *, curl_version_info, int)
#else
int ccurl_on_demand_loaded(void) { return 0; }
#endif
