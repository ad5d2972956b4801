/* Detached threads counted under a mutex; the condition variable wakes the
 * shutdown wait when the count drops. */
#include "engine/jobs.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

struct cw_jobs {
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int running;
	int max_running;
};

typedef struct {
	cw_jobs *jobs;
	void (*run)(void *arg);
	void *arg;
	void (*free_arg)(void *arg);
} job;

int cw_jobs_new(cw_jobs **out, int max_running)
{
	cw_jobs *jobs = cw_calloc(1, sizeof(*jobs));

	*out = NULL;
	if (!jobs)
		return CW_ENOMEM;
	if (pthread_mutex_init(&jobs->lock, NULL) != 0) {
		cw_free(jobs);
		return CW_ENOMEM;
	}
	if (pthread_cond_init(&jobs->idle, NULL) != 0) {
		pthread_mutex_destroy(&jobs->lock);
		cw_free(jobs);
		return CW_ENOMEM;
	}
	jobs->max_running = max_running;
	*out = jobs;
	return 0;
}

static void *job_main(void *p)
{
	job *j = p;
	cw_jobs *jobs = j->jobs;

	j->run(j->arg);
	if (j->free_arg)
		j->free_arg(j->arg);
	cw_free(j);
	pthread_mutex_lock(&jobs->lock);
	jobs->running--;
	pthread_cond_broadcast(&jobs->idle);
	pthread_mutex_unlock(&jobs->lock);
	return NULL;
}

int cw_jobs_start(cw_jobs *jobs, void (*run)(void *arg), void *arg,
                  void (*free_arg)(void *arg))
{
	job *j = cw_malloc(sizeof(*j));
	pthread_attr_t attr;
	pthread_t thread;
	int err = 0;

	if (!j) {
		if (free_arg)
			free_arg(arg);
		return CW_ENOMEM;
	}
	*j = (job){ jobs, run, arg, free_arg };
	pthread_mutex_lock(&jobs->lock);
	if (jobs->running >= jobs->max_running) {
		cw_error_set("%d jobs are running already; try again later",
		             jobs->running);
		err = CW_ETOOBIG;
	} else {
		jobs->running++;
	}
	pthread_mutex_unlock(&jobs->lock);
	if (err == 0 &&
	    (pthread_attr_init(&attr) != 0 ||
	     pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) != 0 ||
	     pthread_create(&thread, &attr, job_main, j) != 0)) {
		cw_error_set("cannot start a job thread");
		pthread_mutex_lock(&jobs->lock);
		jobs->running--;
		pthread_mutex_unlock(&jobs->lock);
		err = CW_ENOMEM;
	}
	if (err == 0) {
		pthread_attr_destroy(&attr);
		return 0;
	}
	if (free_arg)
		free_arg(arg);
	cw_free(j);
	return err;
}

int cw_jobs_running(cw_jobs *jobs)
{
	int n;

	pthread_mutex_lock(&jobs->lock);
	n = jobs->running;
	pthread_mutex_unlock(&jobs->lock);
	return n;
}

int cw_jobs_wait(cw_jobs *jobs, long timeout_ms)
{
	struct timespec until;
	int left, rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&jobs->lock);
	while (jobs->running > 0 && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&jobs->idle, &jobs->lock, &until);
	left = jobs->running;
	pthread_mutex_unlock(&jobs->lock);
	return left;
}

void cw_jobs_free(cw_jobs *jobs)
{
	if (!jobs)
		return;
	pthread_cond_destroy(&jobs->idle);
	pthread_mutex_destroy(&jobs->lock);
	cw_free(jobs);
}
