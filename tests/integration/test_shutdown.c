/* Graceful shutdown: SIGTERM stops new connections, lets a request already in
 * flight finish with a full answer, and exits 0 within 5 seconds. */
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

Suite *suite_shutdown(void);

static cwt_env env;

static void setup(void)
{
	cwt_env_init(&env);
}

static void teardown(void)
{
	cwt_env_cleanup(&env);
}

static int connect_to(int port)
{
	struct sockaddr_in addr = { 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_all(int fd, const char *text)
{
	size_t len = strlen(text);

	ck_assert_int_eq(send(fd, text, len, MSG_NOSIGNAL), (ssize_t)len);
}

START_TEST(in_flight_request_completes)
{
	char body[512], head[512], reply[4096] = "";
	size_t used = 0, half;
	struct pollfd pfd;
	struct timespec start, end;
	cwt_daemon d;
	int fd, code;

	cwt_start(&d, &env, NULL);
	snprintf(body, sizeof(body),
	         "grant_type=client_credentials&client_id=%s&client_secret=%s",
	         env.admin_id, env.admin_secret);
	snprintf(head, sizeof(head),
	         "POST /oauth/token HTTP/1.1\r\nHost: localhost\r\n"
	         "Content-Type: application/x-www-form-urlencoded\r\n"
	         "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	         strlen(body));
	fd = connect_to(d.port);
	ck_assert_int_ge(fd, 0);
	half = strlen(body) / 2;
	send_all(fd, head);
	ck_assert_int_eq(send(fd, body, half, MSG_NOSIGNAL), (ssize_t)half);
	cwt_sleep_ms(300); /* the daemon is now mid-request */

	clock_gettime(CLOCK_MONOTONIC, &start);
	kill(d.pid, SIGTERM);
	cwt_sleep_ms(300);
	/* No new connections once shutting down. */
	ck_assert_int_lt(connect_to(d.port), 0);
	send_all(fd, body + half);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (used < sizeof(reply) - 1 && poll(&pfd, 1, 5000) > 0) {
		ssize_t n = recv(fd, reply + used, sizeof(reply) - 1 - used, 0);
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	reply[used] = '\0';
	close(fd);
	ck_assert_msg(strncmp(reply, "HTTP/1.1 200", 12) == 0, "reply: %s",
	              reply);
	ck_assert_ptr_nonnull(strstr(reply, "\"access_token\""));
	code = cwt_stop(&d, 0, 5000); /* signal 0: just wait */
	clock_gettime(CLOCK_MONOTONIC, &end);
	ck_assert_int_eq(code, 0);
	ck_assert_int_lt(end.tv_sec - start.tv_sec, 5);
}
END_TEST

START_TEST(sigint_on_idle_daemon)
{
	cwt_daemon d;

	cwt_start(&d, &env, NULL);
	ck_assert_int_eq(cwt_stop(&d, SIGINT, 5000), 0);
}
END_TEST

START_TEST(stalled_request_does_not_block_exit)
{
	char head[256];
	cwt_daemon d;
	int fd;

	cwt_start(&d, &env, NULL);
	snprintf(head, sizeof(head),
	         "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: "
	         "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n"
	         "\r\ngrant_type=");
	fd = connect_to(d.port);
	send_all(fd, head);
	cwt_sleep_ms(200);
	/* The client never finishes: the drain gives up and exit is still 0
	 * within the 5-second budget. */
	ck_assert_int_eq(cwt_stop(&d, SIGTERM, 5000), 0);
	close(fd);
}
END_TEST

Suite *suite_shutdown(void)
{
	Suite *s = suite_create("integration/shutdown");
	TCase *tc = tcase_create("signals");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, in_flight_request_completes);
	tcase_add_test(tc, sigint_on_idle_daemon);
	tcase_add_test(tc, stalled_request_does_not_block_exit);
	suite_add_tcase(s, tc);
	return s;
}
