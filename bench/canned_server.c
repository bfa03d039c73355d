/*
 * canned_server: a small HTTP/1.1 keep-alive server for the libivs benchmark.
 *
 *   canned_server [PORT [DELAY_US]]
 *
 * Listens on 127.0.0.1 (PORT, default 0 = any free port), prints the port it got on the first line of
 * stdout, and answers every request with the same 200 response shaped like a real IVS
 * GetChannel answer (content-type application/json, x-amzn-RequestId, the JSON of a channel). It reads
 * each request in full (headers, then Content-Length bytes of body) before it answers, and serves
 * pipelined requests in order. One thread per connection, blocking I/O and TCP_NODELAY: the benchmark
 * opens at most a few keep-alive connections, and this keeps the server's per-request work to one
 * recv and one send, so it is the same for the bare curl loop and for libivs and not the bottleneck.
 *
 * DELAY_US (default 0) holds each answer back that many microseconds, to stand in for the round trip
 * to a real endpoint (about 1000 within one AWS region).
 *
 * It never looks at what is asked: it exists to measure the client side of a round trip.
 * Stops on SIGTERM/SIGINT.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A GetChannel answer as IVS sends it (field set of the 2020-07-14 model, botocore 1.43). */
static const char body[] =
    "{\"channel\":{\"arn\":\"arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234\","
    "\"authorized\":false,"
    "\"containerFormat\":\"TS\","
    "\"ingestEndpoint\":\"a1b2c3d4e5f6.global-contribute.live-video.net\","
    "\"insecureIngest\":false,"
    "\"latencyMode\":\"LOW\","
    "\"multitrackInputConfiguration\":{\"enabled\":false,\"maximumResolution\":\"FULL_HD\",\"policy\":\"ALLOW\"},"
    "\"name\":\"bench-channel\","
    "\"playbackRestrictionPolicyArn\":\"\","
    "\"playbackUrl\":\"https://a1b2c3d4e5f6.us-west-2.playback.live-video.net/api/video/v1/"
    "us-west-2.123456789012.channel.abcdEFGH1234.m3u8\","
    "\"preset\":\"\","
    "\"recordingConfigurationArn\":\"\","
    "\"srt\":{\"endpoint\":\"a1b2c3d4e5f6.srt.live-video.net\",\"passphrase\":\"q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6\"},"
    "\"tags\":{\"team\":\"video\",\"env\":\"bench\"},"
    "\"type\":\"STANDARD\"}}";

static char response[4096];
static long delay_us;
static size_t response_len;

static void build_response(void) {
    int n = snprintf(response, sizeof response,
                     "HTTP/1.1 200 OK\r\n"
                     "Date: Sat, 21 Nov 2026 09:30:00 GMT\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: %zu\r\n"
                     "Connection: keep-alive\r\n"
                     "x-amzn-RequestId: 5f0c4a1e-7b2d-4c3e-9f8a-1b2c3d4e5f60\r\n"
                     "Access-Control-Allow-Origin: *\r\n"
                     "Access-Control-Expose-Headers: x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date\r\n"
                     "Cache-Control: no-store\r\n"
                     "Strict-Transport-Security: max-age=47304000; includeSubDomains\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "\r\n%s",
                     sizeof body - 1, body);
    if (n < 0 || (size_t)n >= sizeof response) abort();
    response_len = (size_t)n;
}

static int send_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Content-Length of the header block [buf, end), or 0 if it has none. -1 if malformed. */
static long content_length(const char *buf, const char *end) {
    static const char name[] = "content-length:";
    const char *line = buf;
    while (line < end) {
        const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);
        if (!eol) eol = end;
        if ((size_t)(eol - line) > sizeof name - 1 && strncasecmp(line, name, sizeof name - 1) == 0) {
            char *stop;
            long v = strtol(line + sizeof name - 1, &stop, 10);
            return v < 0 ? -1 : v;
        }
        line = eol + 2;
    }
    return 0;
}

static void *serve(void *arg) {
    int fd = (int)(long)arg;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    if (!buf) goto done;
    for (;;) {
        /* Answer every complete request in the buffer. */
        for (;;) {
            char *hdr_end = len >= 4 ? memmem(buf, len, "\r\n\r\n", 4) : NULL;
            if (!hdr_end) break;
            long cl = content_length(buf, hdr_end + 2);
            if (cl < 0) goto done;
            size_t need = (size_t)(hdr_end + 4 - buf) + (size_t)cl;
            if (len < need) {
                if (need > cap) {
                    char *nb = realloc(buf, need);
                    if (!nb) goto done;
                    buf = nb;
                    cap = need;
                }
                break;
            }
            if (delay_us > 0) {
                struct timespec d = {delay_us / 1000000, (delay_us % 1000000) * 1000};
                while (nanosleep(&d, &d) < 0 && errno == EINTR) {}
            }
            if (send_all(fd, response, response_len) < 0) goto done;
            memmove(buf, buf + need, len - need);
            len -= need;
        }
        if (len == cap) goto done; /* a header block larger than 64 KiB: not a client we serve */
        ssize_t r = recv(fd, buf + len, cap - len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) goto done;
        len += (size_t)r;
    }
done:
    free(buf);
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    delay_us = argc > 2 ? atol(argv[2]) : 0;
    build_response();
    signal(SIGPIPE, SIG_IGN);

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0) { perror("socket"); return 1; }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
    if (listen(ls, 128) < 0) { perror("listen"); return 1; }
    socklen_t al = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &al);
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            perror("accept");
            return 1;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t t;
        if (pthread_create(&t, &attr, serve, (void *)(long)fd) != 0) close(fd);
    }
}
