package gen

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/arengo-pa/arengo/internal/reconcile/flows"
	"github.com/arengo-pa/arengo/internal/reconcile/match"
)

func load(t *testing.T, b *match.Book, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(4096)
	switch kind := flows.Detect(head); kind {
	case flows.KindFdRXML, flows.KindFdRJSON:
		var rows []flows.FlowRow
		read := flows.ReadFdRXML
		if kind == flows.KindFdRJSON {
			read = flows.ReadFdRJSON
		}
		s, err := read(br, func(r flows.FlowRow) error { rows = append(rows, r); return nil })
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(s.Problems) > 0 {
			t.Fatalf("%s: %v", path, s.Problems)
		}
		b.AddFlow(path, s.Header, rows)
	case flows.KindOPI:
		_, err = flows.ReadOPI(br, func(m flows.Movement) error { b.ApplyMovement(m); return nil })
	case flows.KindGdCCSV:
		_, err = flows.ReadGdCCSV(br, func(m flows.Movement) error { b.ApplyMovement(m); return nil })
	case flows.KindReceipt:
		_, err = flows.ReadReceiptsJSONL(br, func(r flows.Receipt) error { b.AddReceipt(r, r.DebtType == NotifiedDebtType); return nil })
	case flows.KindMyPay:
		_, _, err = flows.ReadMyPayExport(br, func(r flows.Receipt) error { b.AddReceipt(r, r.DebtType == NotifiedDebtType); return nil })
	case flows.KindNotify:
		_, err = flows.ReadNotifications(br, func(n flows.Notification) error { b.AddNotification(n); return nil })
	default:
		t.Fatalf("%s: unknown kind", path)
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func readExpected(t *testing.T, path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(l, ";")
		if _, dup := out[f[0]+";"+f[1]]; dup {
			t.Fatalf("expected answer lists %s twice", f[1])
		}
		out[f[0]+";"+f[1]] = f[2]
	}
	return out
}

// TestEngineMatchesExpected loads a generated day in two opposite orders,
// reclassifying after every file as the module does, and demands the
// generator's answer for every single item and every code.
func TestEngineMatchesExpected(t *testing.T) {
	dir := t.TempDir()
	files, err := Generate(dir, Config{N: 3000, Seed: 7, FlowMax: 150})
	if err != nil {
		t.Fatal(err)
	}
	want := readExpected(t, files.Expected)
	for _, order := range []string{"forward", "reverse"} {
		t.Run(order, func(t *testing.T) {
			all := files.All()
			if order == "reverse" {
				slices.Reverse(all)
			}
			b := match.NewBook("00644060287")
			for _, p := range all {
				load(t, b, p)
				b.Reclassify()
			}
			got := map[string]string{}
			counts := map[match.Code]int{}
			for _, it := range b.Items() {
				got[it.Kind+";"+it.Key] = string(it.Code)
				counts[it.Code]++
				if it.Text("it") == "" {
					t.Errorf("%s %s has no explanation", it.Kind, it.Key)
				}
			}
			diff := 0
			for k, w := range want {
				if got[k] != w {
					if diff++; diff <= 10 {
						t.Errorf("%s: got %q want %q", k, got[k], w)
					}
				}
			}
			for k, g := range got {
				if _, ok := want[k]; !ok {
					if diff++; diff <= 10 {
						t.Errorf("unexpected item %s = %s", k, g)
					}
				}
			}
			for _, c := range match.AllCodes {
				if counts[c] == 0 {
					t.Errorf("code %s never produced", c)
				}
			}
			if n := b.Reclassify(); n != 0 {
				t.Errorf("second run changed %d items", n)
			}
			if testing.Verbose() {
				fmt.Println(counts)
			}
		})
	}
}
