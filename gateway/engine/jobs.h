/* Background jobs of the daemon (imports now; syncs and mirrors later): a
 * thread each, a cap on how many run at once, and a wait for shutdown. */
#ifndef CW_ENGINE_JOBS_H
#define CW_ENGINE_JOBS_H

typedef struct cw_jobs cw_jobs;

int cw_jobs_new(cw_jobs **out, int max_running);
/**
 * Runs run(arg) on its own thread; free_arg(arg) afterwards. CW_ETOOBIG when
 * max_running jobs already run (arg is then freed too).
 */
int cw_jobs_start(cw_jobs *jobs, void (*run)(void *arg), void *arg,
                  void (*free_arg)(void *arg));
int cw_jobs_running(cw_jobs *jobs);
/** Waits until no job runs, or timeout_ms; 0 when none is left. */
int cw_jobs_wait(cw_jobs *jobs, long timeout_ms);
/** Frees the registry; jobs still running must not outlive it (wait). */
void cw_jobs_free(cw_jobs *jobs);

#endif
