package publish

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"testing"
	"time"

	"showcaster/internal/rtmptest"
)

// tlsFront terminates TLS on a loopback port and forwards to addr, as an
// RTMPS ingest's front end does. It returns its port and a pool that trusts it.
func tlsFront(t *testing.T, addr string) (int, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b, err := net.Dial("tcp", addr)
				if err != nil {
					return
				}
				defer b.Close()
				go func() { _, _ = io.Copy(b, c); b.Close() }()
				_, _ = io.Copy(c, b)
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, pool
}

func TestRTMPSPublishesThroughTLS(t *testing.T) {
	srv := rtmptest.Start(t)
	port, pool := tlsFront(t, "127.0.0.1:"+strconv.Itoa(srv.Port))
	p := newAACProgram(t, 320, 180)
	tg, err := ParseRTMPTarget("rtmps://127.0.0.1:"+strconv.Itoa(port)+"/live#secure-key", "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := rtmpConfig(p, tg)
	cfg.TLSConfig = &tls.Config{RootCAs: pool}
	o := NewRTMP(cfg)
	defer o.Close()
	if err := o.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v\n%s", err, srv.ErrorLog())
	}
	p.run(o)
	eventually(t, "frames over RTMPS", 30*time.Second, func() bool { return o.Stats().FramesSent >= 30 })
	if pubs := srv.Publishes(); len(pubs) != 1 || pubs[0].Name != "secure-key" {
		t.Fatalf("on_publish saw %+v", pubs)
	}

	// A server whose certificate is not trusted is not published to.
	bad := NewRTMP(RTMPConfig{Target: tg})
	if err := bad.Start(context.Background()); !errors.Is(err, ErrRTMPTLS) || bad.Stats().StopReason != StopFailed {
		t.Fatalf("untrusted certificate: %v", err)
	}
}
