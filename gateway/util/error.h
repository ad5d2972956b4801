/* Error codes and the per-thread message that carries their detail. */
#ifndef CW_UTIL_ERROR_H
#define CW_UTIL_ERROR_H

enum {
	CW_OK = 0,
	CW_ENOMEM = -1,    /* allocation failed */
	CW_EINVAL = -2,    /* the input is invalid */
	CW_ENOTFOUND = -3, /* no such thing */
	CW_ETOOBIG = -4,   /* over a limit */
	CW_EIO = -5,       /* file or system call failed */
	CW_ESTORE = -6,    /* the database failed */
	CW_EEXISTS = -7,   /* already there */
	CW_EAUTH = -8,     /* credentials rejected */
	CW_EUSAGE = -9,    /* the command line is wrong */
	CW_EUNSUPPORTED = -10,
	CW_ECANCELED = -11, /* stopped on request (shutdown) */
	CW_EBUSY = -12      /* the store stayed locked: try again later */
};

/** Sets the calling thread's error message (printf format). */
void cw_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** The calling thread's last message, or "" when none. */
const char *cw_error_last(void);

void cw_error_clear(void);

/** A short name for an error code ("ENOMEM"). */
const char *cw_error_name(int code);

#endif
