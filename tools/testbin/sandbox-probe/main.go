// sandbox-probe is the one static binary inside the images the sandbox's real node runs: its
// pause container and its test workload. It is multi-call (chosen by the name it is run as, or by
// its first argument), so an image of this file plus a few symlinks has everything `kubectl exec`,
// `kubectl logs` and `kubectl port-forward` need, and no registry is ever involved.
package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

func main() {
	name, args := filepath.Base(os.Args[0]), os.Args[1:]
	if name == "sandbox-probe" {
		if len(args) == 0 {
			fmt.Fprintln(os.Stderr, "usage: sandbox-probe pause|serve [ADDR]|hostname|echo ARGS|cat FILE...|env")
			os.Exit(2)
		}
		name, args = args[0], args[1:]
	}
	switch name {
	case "pause":
		pause()
	case "serve":
		addr := ":8080"
		if len(args) > 0 {
			addr = args[0]
		}
		serve(addr)
	case "hostname":
		h, err := os.Hostname()
		exitOn(err)
		fmt.Println(h)
	case "echo":
		fmt.Println(strings.Join(args, " "))
	case "cat":
		for _, f := range args {
			b, err := os.ReadFile(f)
			exitOn(err)
			os.Stdout.Write(b)
		}
	case "env":
		env := os.Environ()
		sort.Strings(env)
		fmt.Println(strings.Join(env, "\n"))
	default:
		fmt.Fprintf(os.Stderr, "sandbox-probe: unknown command %q\n", name)
		os.Exit(127)
	}
}

// pause holds the pod's namespaces until the runtime stops it, reaping any orphan it inherits.
func pause() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var ws syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}

// serve answers every request with the pod's hostname and logs one line per request to stdout.
func serve(addr string) {
	host, _ := os.Hostname()
	fmt.Printf("sandbox-probe serving on %s\n", addr)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("request %s %s\n", r.Method, r.URL.Path)
		fmt.Fprintf(w, "hello from %s\n", host)
	})
	exitOn(http.ListenAndServe(addr, nil))
}

func exitOn(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox-probe:", err)
		os.Exit(1)
	}
}
