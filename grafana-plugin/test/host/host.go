// Package pluginhost starts the quant-pairs backend plugin the way Grafana starts a backend
// plugin and talks to it through the plugin SDK's generated gRPC clients.
//
// Grafana's own plugin client (grafana/grafana pkg/plugins/backendplugin/grpcplugin, AGPL, and
// not served by the Go module proxy here) is mirrored from its source, not imported:
//   - client.go newClientConfig: exec.Command(executablePath) with cmd.Env = the plugin's
//     environment, HandshakeConfig{ProtocolVersion: grpcplugin.ProtocolVersion (2),
//     MagicCookieKey/Value grafana_plugin_type=datasource}, VersionedPlugins {2: diagnostics,
//     resource, data, stream, admission, conversion}, SkipHostEnv (pluginsSkipHostEnvVars,
//     the default from 12.4 on: no PATH), AllowedProtocols gRPC only, no AutoMTLS;
//   - pkg/plugins/envvars/envvars.go: the environment is GF_VERSION plus GF_PLUGIN_<KEY> for
//     each key of the plugin's [plugin.<id>] ini section;
//   - grpc_plugin.go Start: client.Client(), NegotiatedVersion() >= 2, then client_v2.go
//     newClientV2 Dispense()s every plugin of the set; Stop: client.Kill().
//
// go-plugin adds the cookie, PLUGIN_MIN_PORT/PLUGIN_MAX_PORT (10000..25000) and
// PLUGIN_PROTOCOL_VERSIONS, and hands the child the host's stdin (client.go).
package pluginhost

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// PluginID is the id in plugin.json.
const PluginID = "quant-pairs-datasource"

// Plugin is a started backend plugin with its dispensed clients.
type Plugin struct {
	Client      *goplugin.Client
	Diagnostics grpcplugin.DiagnosticsClient
	Resource    grpcplugin.ResourceClient
	Data        grpcplugin.DataClient
	Stream      grpcplugin.StreamClient
	// Pid of the plugin process.
	Pid int
}

// Options of Start.
type Options struct {
	// PluginDir holds plugin.json and <executable>_<os>_<arch>.
	PluginDir string
	// Arch, when set, starts <executable>_linux_<Arch> instead of this host's own (with Emulator).
	Arch string
	// Emulator runs the executable, e.g. {qemu-aarch64-static, -L, sysroot} for linux/arm64 on
	// an amd64 host (Grafana runs it directly; the emulator passes the environment on unchanged).
	Emulator []string
	// GrafanaVersion goes to GF_VERSION.
	GrafanaVersion string
	// Settings is the [plugin.quant-pairs-datasource] ini section.
	Settings map[string]string
	// Logger receives go-plugin's and the plugin's log lines.
	Logger hclog.Logger
}

// Executable is the file Grafana runs: <dir>/<executable>_<os>_<arch> (pkg/plugins/plugins.go).
func Executable(dir, executable string) string {
	return filepath.Join(dir, fmt.Sprintf("%s_%s_%s", executable, runtime.GOOS, runtime.GOARCH))
}

// Env is the plugin's environment as envvars.go builds it (before go-plugin adds its own).
func Env(grafanaVersion string, settings map[string]string) []string {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		if k == "path" || strings.ToLower(k) == "id" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	env := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		env = append(env, fmt.Sprintf("GF_PLUGIN_%s=%s", strings.ToUpper(k), settings[k]))
	}
	return append(env, "GF_VERSION="+grafanaVersion)
}

// ClientConfig is Grafana's go-plugin client configuration for a local (process mode) plugin.
func ClientConfig(exe string, emulator []string, env []string, logger hclog.Logger) *goplugin.ClientConfig {
	cmd := exec.Command(exe)
	if len(emulator) > 0 {
		cmd = exec.Command(emulator[0], append(emulator[1:], exe)...)
	}
	cmd.Env = env
	return &goplugin.ClientConfig{
		Cmd: cmd,
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
				"data":        &grpcplugin.DataGRPCPlugin{},
				"stream":      &grpcplugin.StreamGRPCPlugin{},
				"admission":   &grpcplugin.AdmissionGRPCPlugin{},
				"conversion":  &grpcplugin.ConversionGRPCPlugin{},
			},
		},
		SkipHostEnv:      true,
		Logger:           logger,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		// go-plugin's default 1 min, longer for an emulated CPU (Node starts ~20x slower there).
		StartTimeout: map[bool]time.Duration{false: time.Minute, true: 5 * time.Minute}[len(emulator) > 0],
	}
}

// Start launches the plugin and dispenses its clients, as grpc_plugin.go Start and client_v2.go do.
func Start(opts Options) (*Plugin, error) {
	exe := Executable(opts.PluginDir, "gpx_pairs")
	if opts.Arch != "" {
		exe = filepath.Join(opts.PluginDir, "gpx_pairs_linux_"+opts.Arch)
	}
	if _, err := os.Stat(exe); err != nil {
		return nil, fmt.Errorf("no plugin executable (build it: node grafana-plugin/scripts/package.mjs): %w", err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = hclog.New(&hclog.LoggerOptions{Name: "plugin." + PluginID, Level: hclog.Warn, Output: os.Stderr})
	}
	client := goplugin.NewClient(ClientConfig(exe, opts.Emulator, Env(opts.GrafanaVersion, opts.Settings), logger))
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, err
	}
	if client.NegotiatedVersion() < 2 {
		client.Kill()
		return nil, errors.New("plugin protocol version not supported")
	}
	p := &Plugin{Client: client}
	if p.Pid = pidOf(client); p.Pid == 0 {
		client.Kill()
		return nil, errors.New("no plugin pid")
	}
	dispense := func(name string) (any, error) { return rpc.Dispense(name) }
	raw, err := dispense("diagnostics")
	if err == nil {
		p.Diagnostics, _ = raw.(grpcplugin.DiagnosticsClient)
		raw, err = dispense("resource")
	}
	if err == nil {
		p.Resource, _ = raw.(grpcplugin.ResourceClient)
		raw, err = dispense("data")
	}
	if err == nil {
		p.Data, _ = raw.(grpcplugin.DataClient)
		raw, err = dispense("stream")
	}
	if err == nil {
		p.Stream, _ = raw.(grpcplugin.StreamClient)
		_, err = dispense("admission")
	}
	if err == nil {
		_, err = dispense("conversion")
	}
	if err != nil || p.Diagnostics == nil || p.Resource == nil || p.Data == nil || p.Stream == nil {
		client.Kill()
		return nil, fmt.Errorf("dispensing the plugin's clients: %v", err)
	}
	return p, nil
}

func pidOf(c *goplugin.Client) int {
	if rc := c.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

// Kill stops the plugin as Grafana's Stop does.
func (p *Plugin) Kill() { p.Client.Kill() }
