package app

import (
	"net"
	"net/url"
	"strings"
)

// localLANAddress is this machine's address on the local network, "" when it
// has none (only loopback, or no network).
func localLANAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	return pickLANAddress(addrs)
}

// pickLANAddress is the first IPv4 address a phone on the same network could
// reach: not loopback, not link-local (169.254.x, no DHCP), not unspecified.
func pickLANAddress(addrs []net.Addr) string {
	for _, a := range addrs {
		var ip net.IP
		switch v := a.(type) {
		case *net.IPNet:
			ip = v.IP
		case *net.IPAddr:
			ip = v.IP
		}
		ip = ip.To4()
		if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
			continue
		}
		return ip.String()
	}
	return ""
}

// onLAN is viewer link u with this computer's loopback address replaced by
// its address on the local network lanHost (u unchanged when lanHost is "").
func onLAN(u, lanHost string) string {
	if u == "" || lanHost == "" || !IsLoopbackURL(u) {
		return u
	}
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	if port := p.Port(); port != "" {
		p.Host = net.JoinHostPort(lanHost, port)
	} else {
		p.Host = lanHost
	}
	return p.String()
}

// studioSideURL is the address the studio itself uses for a platform that
// listens on every interface ("http://0.0.0.0:8089" → loopback).
func studioSideURL(u string) string {
	return strings.Replace(u, "://0.0.0.0:", "://127.0.0.1:", 1)
}

// ViewerLinkLocal reports whether viewer link u opens only on this computer.
func ViewerLinkLocal(u string) bool { return IsLoopbackURL(u) }
