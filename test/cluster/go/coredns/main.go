// Command coredns is CoreDNS with only the plugins of the real node's Corefile
// (test/cluster/node-manifests.yaml), in CoreDNS's own order (core/dnsserver/zdirectives.go).
// This is the way CoreDNS documents for choosing plugins at compile time; its stock main
// imports every plugin, the cloud DNS SDKs (AWS, Azure, Google) among them, which makes the
// cold build several times longer for nothing the node uses.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
	dnsserver.Directives = []string{
		"ready", "health", "errors", "loadbalance", "cache", "kubernetes", "loop",
	}
}

func main() {
	coremain.Run()
}
