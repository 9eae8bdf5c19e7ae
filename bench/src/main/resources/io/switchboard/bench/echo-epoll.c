/*
 * The bench's "limit" reference: a minimal line echo server in C, one thread, one epoll set,
 * level-triggered, non-blocking sockets. What a line echo costs on this machine with nothing in
 * the way: no runtime, no queue between threads, one read and one write per batch of lines.
 *
 * It behaves as switchboard's echo does where the bench can see it: each complete line (ended by
 * LF) is sent back as it came; a partial line waits for the rest; a line longer than MAX_LINE
 * closes the connection; a client that does not read stops being read (its unsent output is
 * bounded by OUT_CAP), so it cannot make the server buffer without bound.
 *
 * Built by the bench with the system's C compiler (cc -O2); run as `echo-epoll PORT`, it listens
 * on 127.0.0.1:PORT until SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#define MAX_LINE 65536
#define OUT_CAP (4 * 65536)
#define READ_SIZE 65536
#define EVENTS 1024

struct conn {
  int fd;
  char *in;     /* the partial line kept between reads */
  size_t in_len;
  char *out;    /* output the socket did not take yet */
  size_t out_len;
  size_t out_off;
  int writing;  /* EPOLLOUT registered */
};

static volatile sig_atomic_t stopping = 0;
static void on_term(int sig) { (void)sig; stopping = 1; }

static void drop(int ep, struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->in);
  free(c->out);
  free(c);
}

static int interest(int ep, struct conn *c, int want_write) {
  struct epoll_event ev = {0};
  ev.data.ptr = c;
  /* Reading stops while output is stalled past the cap: TCP pushes back on the client. */
  ev.events = (c->out_len - c->out_off < OUT_CAP ? EPOLLIN : 0) | (want_write ? EPOLLOUT : 0);
  c->writing = want_write;
  return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends what is pending, then `data`; keeps what the socket does not take. -1: the peer is gone. */
static int send_out(struct conn *c, const char *data, size_t len) {
  if (c->out_len > c->out_off) {
    ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n < 0 && errno != EAGAIN) return -1;
    if (n > 0) c->out_off += (size_t)n;
  }
  if (c->out_len == c->out_off) {
    c->out_len = c->out_off = 0;
    while (len > 0) {
      ssize_t n = write(c->fd, data, len);
      if (n < 0) {
        if (errno == EAGAIN) break;
        return -1;
      }
      data += n;
      len -= (size_t)n;
    }
  }
  if (len > 0) {
    if (c->out_off > 0) {
      memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
      c->out_len -= c->out_off;
      c->out_off = 0;
    }
    char *grown = realloc(c->out, c->out_len + len);
    if (!grown) return -1;
    c->out = grown;
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
  }
  return 0;
}

/* Echoes the complete lines of `buf` (with the kept partial line first); keeps the rest. */
static int on_bytes(struct conn *c, const char *buf, size_t len) {
  const char *last_lf = memrchr(buf, '\n', len);
  if (!last_lf) {
    if (c->in_len + len > MAX_LINE) return -1;
    char *grown = realloc(c->in, c->in_len + len);
    if (!grown) return -1;
    c->in = grown;
    memcpy(c->in + c->in_len, buf, len);
    c->in_len += len;
    return 0;
  }
  size_t complete = (size_t)(last_lf - buf) + 1;
  if (c->in_len > 0) {
    const char *first_lf = memchr(buf, '\n', len);
    if (c->in_len + (size_t)(first_lf - buf) > MAX_LINE) return -1;
    if (send_out(c, c->in, c->in_len) < 0) return -1;
    c->in_len = 0;
  }
  if (send_out(c, buf, complete) < 0) return -1;
  size_t rest = len - complete;
  if (rest > MAX_LINE) return -1;
  if (rest > 0) {
    char *grown = realloc(c->in, rest);
    if (!grown) return -1;
    c->in = grown;
    memcpy(c->in, buf + complete, rest);
    c->in_len = rest;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  struct sigaction term = {0};
  term.sa_handler = on_term;
  sigaction(SIGTERM, &term, NULL);
  sigaction(SIGINT, &term, NULL);

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)atoi(argv[1]));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 4096) < 0) {
    perror("echo-epoll: bind/listen");
    return 1;
  }
  int ep = epoll_create1(0);
  struct epoll_event lev = {.events = EPOLLIN, .data = {.ptr = NULL}};
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
  printf("echo-epoll listening on 127.0.0.1:%s\n", argv[1]);
  fflush(stdout);

  static char buf[READ_SIZE];
  struct epoll_event events[EVENTS];
  while (!stopping) {
    int ready = epoll_wait(ep, events, EVENTS, 1000);
    for (int i = 0; i < ready; i++) {
      struct conn *c = events[i].data.ptr;
      if (c == NULL) {
        for (int k = 0; k < 64; k++) { /* a batch per wakeup, as the selector loops do */
          int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
          if (fd < 0) break;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *nc = calloc(1, sizeof *nc);
          nc->fd = fd;
          struct epoll_event ev = {.events = EPOLLIN, .data = {.ptr = nc}};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
        continue;
      }
      if (events[i].events & EPOLLOUT) {
        if (send_out(c, NULL, 0) < 0) { drop(ep, c); continue; }
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        ssize_t n = read(c->fd, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EAGAIN) || (n > 0 && on_bytes(c, buf, (size_t)n) < 0)) {
          drop(ep, c);
          continue;
        }
      }
      int want_write = c->out_len > c->out_off;
      if (want_write != c->writing || (want_write && c->out_len - c->out_off >= OUT_CAP)) {
        interest(ep, c, want_write);
      }
    }
  }
  return 0;
}
