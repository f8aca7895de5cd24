// Command etcd is etcd's own server entry point, built here because the etcd
// root module cannot be `go install`ed (it carries replace directives).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
