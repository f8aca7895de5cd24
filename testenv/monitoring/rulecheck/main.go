// Command rulecheck checks the rule groups of PrometheusRule manifests as
// `promtool check rules` does (Prometheus' own rule parser, rulefmt.Parse:
// PromQL, durations, label and annotation templates), without the rest of
// promtool and its service-discovery dependencies.
//
// Usage: rulecheck FILE...   (multi-document YAML; other kinds are skipped)
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec yaml.Node `yaml:"spec"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rulecheck FILE...")
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	p := parser.NewParser(parser.Options{})
	failed, rules := false, 0
	for _, file := range os.Args[1:] {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var m manifest
			err := dec.Decode(&m)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
				os.Exit(1)
			}
			if m.Kind != "PrometheusRule" {
				continue
			}
			spec, err := yaml.Marshal(&m.Spec)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
				os.Exit(1)
			}
			groups, errs := rulefmt.Parse(spec, false, model.UTF8Validation, p, logger)
			for _, e := range errs {
				failed = true
				fmt.Fprintf(os.Stderr, "%s: PrometheusRule %s: %v\n", file, m.Metadata.Name, e)
			}
			if groups != nil {
				for _, g := range groups.Groups {
					rules += len(g.Rules)
				}
			}
		}
	}
	if failed {
		os.Exit(1)
	}
	fmt.Printf("SUCCESS: %d rules found\n", rules)
}
