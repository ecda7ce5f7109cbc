// The floor for Benchmarks/README.md (issue #16): the cheapest HTTP/1.1 keep-alive server, one
// epoll thread per core, a fixed 300-byte JSON answer, no parsing beyond counting "\r\n\r\n".
// What wrk -t2 -c64 reaches here is what any server could reach on this machine.
// Build and run: gcc -O2 -o /tmp/http-floor Benchmarks/http-floor.c -lpthread && /tmp/http-floor 18081
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
static int lfd;
static char resp[1024];
static int resplen;
static void *loop(void *arg) {
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    struct epoll_event evs[128];
    char buf[8192];
    for (;;) {
        int n = epoll_wait(ep, evs, 128, -1);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd) {
                int c = accept4(lfd, 0, 0, SOCK_NONBLOCK);
                if (c < 0) continue;
                int one = 1; setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) { close(fd); continue; }
            int requests = 0;
            for (ssize_t k = 3; k < r; k++) if (buf[k] == '\n' && buf[k-1] == '\r' && buf[k-2] == '\n' && buf[k-3] == '\r') requests++;
            for (int q = 0; q < requests; q++) write(fd, resp, resplen);
        }
    }
    return 0;
}
int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 18081;
    char body[400];
    memset(body, 'x', 300); body[0] = '{'; body[1] = '"'; body[297] = '"'; body[298] = ':'; body[299] = '1'; body[300] = '}'; body[301] = 0;
    resplen = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\nServer: floor\r\n\r\n%s", strlen(body), body);
    lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1; setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(0x7f000001)};
    if (bind(lfd, (void *)&a, sizeof a) || listen(lfd, 1024)) { perror("bind"); return 1; }
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, loop, 0);
    pthread_join(t[0], 0);
}
