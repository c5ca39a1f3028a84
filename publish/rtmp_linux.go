package publish

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// tcpControl sets TCP_USER_TIMEOUT on the RTMP socket: the kernel gives up
// a connection whose sent data stays unacknowledged that long, so a peer
// that vanished without a reset is noticed even while the send buffer
// still has room.
func tcpControl(d time.Duration) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, int(d.Milliseconds()))
		})
		if err != nil {
			return err
		}
		return serr
	}
}
