package pluginhost

// The native executables (issue 27): what Grafana starts is the plugin folder's own
// gpx_pairs_linux_<arch>, a Node.js single executable application, with no Node.js on the host.
// run.ts gives this host a PATH without any directory that holds a node, and Start gives the
// plugin Grafana's environment (no PATH at all, no [plugin.quant-pairs-datasource] settings).

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func TestNativeExecutableWithoutNode(t *testing.T) {
	if p, err := exec.LookPath("node"); err == nil {
		t.Fatalf("node is on this host's PATH (%s): run.ts takes it out", p)
	}
	want := Executable(fx.pluginDir, "gpx_pairs")
	// /proc/<pid>/exe is the file the process runs: a launcher that exec'd node would show node.
	exe, err := os.Readlink("/proc/" + strconv.Itoa(plug.Pid) + "/exe")
	if err != nil {
		t.Fatal(err)
	}
	if exe != want {
		t.Fatalf("the plugin process runs %s, want the plugin folder's %s", exe, want)
	}
	head := make([]byte, 4)
	f, err := os.Open(want)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Read(head); err != nil || !bytes.Equal(head, []byte("\x7fELF")) {
		t.Fatalf("%s is not an ELF executable: %q", want, head)
	}
	// Its environment is Grafana's (envvars.go: GF_VERSION, GF_PLUGIN_* of the ini section: none
	// here) plus go-plugin's: the magic cookie and PLUGIN_* (client.go). Nothing else: no PATH.
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(plug.Pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00") {
		name, _, _ := strings.Cut(kv, "=")
		if name != "GF_VERSION" && name != "grafana_plugin_type" && !strings.HasPrefix(name, "PLUGIN_") {
			t.Errorf("the plugin's environment has %s", kv)
		}
	}
	if r := checkHealth(t, fx.dataSource(t)); r.Status != backend.HealthStatusOk {
		t.Fatalf("health: %v %q", r.Status, r.Message)
	}
}

// The linux/arm64 executable under qemu-user (Debian's qemu-user-static, with the arm64 C and C++
// runtime of libc6-arm64-cross and libstdc++6-arm64-cross as its -L root): the handshake,
// CheckHealth, then a QueryData whose frames equal the amd64 executable's for the same request.
func TestLinuxArm64UnderQemu(t *testing.T) {
	if fx.qemu == nil {
		t.Fatal("QEMU_AARCH64 / ARM64_SYSROOT not set: run.ts finds qemu-aarch64-static and /usr/aarch64-linux-gnu")
	}
	started := time.Now()
	arm, err := Start(Options{PluginDir: fx.pluginDir, Arch: "arm64", Emulator: fx.qemu, GrafanaVersion: grafanaVersion})
	if err != nil {
		t.Fatalf("starting gpx_pairs_linux_arm64 under %s: %v", filepath.Base(fx.qemu[0]), err)
	}
	defer arm.Kill()
	figure("linux/arm64 executable under qemu-user: handshake after %.1f s", time.Since(started).Seconds())
	exe, err := os.Readlink("/proc/" + strconv.Itoa(arm.Pid) + "/exe")
	if err != nil || !strings.Contains(exe, "qemu-aarch64") {
		t.Fatalf("the arm64 plugin process runs %q (%v), not under qemu", exe, err)
	}
	ds := fx.dataSource(t)
	res, err := arm.Diagnostics.CheckHealth(context.Background(), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(ds)})
	if err != nil {
		t.Fatal(err)
	}
	if h := backend.FromProto().CheckHealthResponse(res); h.Status != backend.HealthStatusOk {
		t.Fatalf("arm64 health: %v %q", h.Status, h.Message)
	}
	// Whole bars an hour old and more: both executables read the same stored bars.
	to := time.Now().Truncate(time.Minute).Add(-time.Hour)
	from := to.Add(-2 * time.Hour)
	model := map[string]any{"refId": "A"}
	for k, v := range fx.defaultQuery {
		model[k] = v
	}
	got := queryDataOf(t, arm, ds, nil, from, to, 1000, model)
	want := queryDataOf(t, plug, ds, nil, from, to, 1000, model)
	g, w := got.Responses["A"], want.Responses["A"]
	if g.Error != nil || w.Error != nil {
		t.Fatalf("errors: arm64 %v, amd64 %v", g.Error, w.Error)
	}
	if len(w.Frames) == 0 || w.Frames[0].Rows() < 60 {
		t.Fatalf("the amd64 answer has too few rows to compare: %v", w.Frames)
	}
	gj, _ := json.Marshal(g.Frames)
	wj, _ := json.Marshal(w.Frames)
	if !bytes.Equal(gj, wj) {
		t.Fatalf("arm64 frames differ from amd64's:\narm64 %s\namd64 %s", gj, wj)
	}
	figure("linux/arm64 under qemu-user: QueryData %s %s window %v, %d rows, equal to amd64's", model["pair"], model["timeframe"], model["window"], w.Frames[0].Rows())
}
