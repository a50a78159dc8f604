/*
 * core_err_queue.c: the error queue of the libcrypto the key core runs on, for
 * tests/c/test_pkey.c when that is not the test program's own libcrypto (the
 * aws-lc pass: the core and aws-lc sit in a shared library with aws-lc's
 * symbols hidden, the program makes its keys with the system OpenSSL).
 */
#include <openssl/err.h>

unsigned long tj_test_core_err_peek(void) { return ERR_peek_error(); }
void tj_test_core_err_clear(void) { ERR_clear_error(); }
