package kerneltest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

//go:embed axe/axe.min.js
var axeScript string

// Violation is one accessibility rule a page breaks.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, " | "))
}

// Accessibility runs axe-core on the current page with the WCAG 2.0/2.1
// A and AA rules and returns what it finds. The script is evaluated through
// the DevTools protocol, which the page's Content-Security-Policy does not
// apply to.
func Accessibility() chromedp.Action[[]Violation] {
	return func(ctx context.Context, t *chromedp.Target) ([]Violation, error) {
		if _, err := chromedp.Evaluate[bool](axeScript+";true")(ctx, t); err != nil {
			return nil, fmt.Errorf("load axe-core: %w", err)
		}
		const run = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
			.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))))`
		out, err := chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("run axe-core: %w", err)
		}
		var vs []Violation
		return vs, json.Unmarshal([]byte(out), &vs)
	}
}
