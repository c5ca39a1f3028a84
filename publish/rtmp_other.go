//go:build !linux

package publish

import (
	"syscall"
	"time"
)

// tcpControl does nothing where TCP_USER_TIMEOUT is not available; write
// deadlines still notice a dead peer once the send buffer is full.
func tcpControl(time.Duration) func(network, address string, c syscall.RawConn) error {
	return nil
}
