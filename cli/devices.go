package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"showcaster/capture"
)

// deviceRow is one line of `showcaster devices`, in text and JSON alike.
type deviceRow struct {
	Kind    string   `json:"kind"` // camera, microphone, screen, test pattern, tone
	Label   string   `json:"label"`
	ID      string   `json:"id"`
	Formats []string `json:"formats"`
}

// devicesReport is the --json document: the rows, plus advice for each kind
// that was not found, so scripts and people read the same facts.
type devicesReport struct {
	Devices  []deviceRow `json:"devices"`
	Missing  []string    `json:"missing,omitempty"`
	Warnings []string    `json:"warnings,omitempty"`
}

func missingAdvice(class string) string {
	switch class {
	case capture.ClassCamera:
		return "No camera found: the test pattern will be used. Plug in a camera and run 'showcaster devices' again."
	case capture.ClassMicrophone:
		return "No microphone found: the test tone will be used. Plug in a microphone or headset and run 'showcaster devices' again."
	default:
		return capture.NoScreenAdvice
	}
}

func runDevices(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("showcaster devices", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the list as one JSON object")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	rep := listDevices()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "showcaster devices: %v\n", err)
			return 1
		}
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tLABEL\tID\tFORMATS")
	for _, d := range rep.Devices {
		formats := strings.Join(d.Formats, ", ")
		if formats == "" {
			formats = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Kind, d.Label, d.ID, formats)
	}
	tw.Flush()
	if len(rep.Missing) > 0 || len(rep.Warnings) > 0 {
		fmt.Fprintln(stdout)
	}
	for _, m := range rep.Missing {
		fmt.Fprintln(stdout, m)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(stdout, "Note:", w)
	}
	return 0
}

// listDevices gathers hardware and built-in sources. A device that would
// not report its formats is still listed, with a warning; listing never
// fails, because the built-in sources are always there.
func listDevices() devicesReport {
	var rep devicesReport
	found := map[string]bool{}
	hw, err := capture.Devices()
	if err != nil {
		rep.Warnings = append(rep.Warnings, err.Error())
	}
	for _, class := range []string{capture.ClassCamera, capture.ClassMicrophone, capture.ClassScreen} {
		for _, d := range hw {
			if capture.DeviceClass(d.ID) == class {
				found[class] = true
				rep.Devices = append(rep.Devices, row(class, d))
			}
		}
	}
	for _, d := range capture.BuiltinDevices() {
		kind := "test pattern"
		if d.ID == capture.ToneID {
			kind = "tone"
		}
		rep.Devices = append(rep.Devices, row(kind, d))
	}
	for _, class := range []string{capture.ClassCamera, capture.ClassMicrophone, capture.ClassScreen} {
		if !found[class] {
			rep.Missing = append(rep.Missing, missingAdvice(class))
		}
	}
	return rep
}

func row(kind string, d capture.DeviceInfo) deviceRow {
	formats := d.Formats
	if formats == nil {
		formats = []string{}
	}
	return deviceRow{Kind: kind, Label: d.Label, ID: d.ID, Formats: formats}
}
