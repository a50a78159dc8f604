/*
 * gil_release.h: whether releasing the GIL around a verify can help anyone,
 * for the Cython binding (declared in _cbinding.pxd).
 *
 * Binding code, not core: it includes Python.h (csrc/ never does). A public-key
 * verify takes 15-500 µs, so the binding lets other Python threads run
 * meanwhile. Dropping and taking the GIL back costs about 0.1-0.2 µs (a mutex,
 * a condition variable, the thread state swap), which buys nothing when this
 * interpreter has no other thread: then no Python code can want the GIL before
 * the verify ends (starting a thread needs the GIL we hold). A batch script or
 * a single-threaded worker skips that cost; a threaded server, or any process
 * with a helper thread (RemoteJWKSet's refresher among them), releases as before.
 */
#ifndef TJ_GIL_RELEASE_H
#define TJ_GIL_RELEASE_H

#include <Python.h>

/* 1 when another thread state exists in this interpreter (the GIL is held). */
static inline int tj_other_python_threads(void)
{
    PyThreadState *me = PyThreadState_Get();
    PyThreadState *head = PyInterpreterState_ThreadHead(PyThreadState_GetInterpreter(me));
    /* why reading the list without its lock is safe enough: a thread state added
     * concurrently (PyGILState_Ensure on a C thread) belongs to a thread that must
     * then wait for the GIL; missing it delays that thread by one verify. */
    return head != me || PyThreadState_Next(head) != NULL;
}

#endif
