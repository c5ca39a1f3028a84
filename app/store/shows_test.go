package store

import (
	"errors"
	"slices"
	"testing"
)

func ids(ps []Product) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}

func TestShowPlanOrderAndMove(t *testing.T) {
	s := openTest(t)
	a := mustUpsert(t, s, prod(1, "A", 100))
	b := mustUpsert(t, s, prod(2, "B", 100))
	c := mustUpsert(t, s, prod(3, "C", 100))
	d := mustUpsert(t, s, prod(4, "D", 100))

	if err := s.SetShowProducts("show1", []string{c.ID, a.ID, b.ID}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.ShowProducts("show1")
	if want := []string{"C", "A", "B"}; !slices.Equal(ids(got), want) {
		t.Fatalf("order %v; want %v", ids(got), want)
	}
	for _, tc := range []struct {
		id   string
		to   int
		want []string
	}{
		{b.ID, 0, []string{"B", "C", "A"}},
		{b.ID, 2, []string{"C", "A", "B"}},
		{c.ID, 1, []string{"A", "C", "B"}},
		{a.ID, 99, []string{"C", "B", "A"}},
		{a.ID, -5, []string{"A", "C", "B"}},
	} {
		if err := s.MoveProduct("show1", tc.id, tc.to); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ShowProducts("show1")
		if !slices.Equal(ids(got), tc.want) {
			t.Fatalf("move to %d: %v; want %v", tc.to, ids(got), tc.want)
		}
	}
	if err := s.MoveProduct("show1", d.ID, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("move product not in show: %v", err)
	}
	if err := s.SetShowProducts("show1", []string{a.ID, a.ID}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := s.SetShowProducts("show1", []string{a.ID, "ghost"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown product: %v", err)
	}
	// A failed replace leaves the plan as it was.
	got, _ = s.ShowProducts("show1")
	if !slices.Equal(ids(got), []string{"A", "C", "B"}) {
		t.Fatalf("after failed set: %v", ids(got))
	}
	// Deleting a product takes it out of every show.
	if err := s.DeleteProduct(c.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = s.ShowProducts("show1")
	if !slices.Equal(ids(got), []string{"A", "B"}) {
		t.Fatalf("after delete: %v", ids(got))
	}
	if other, _ := s.ShowProducts("show2"); len(other) != 0 {
		t.Fatalf("show2 has %v", ids(other))
	}
}

func TestPromptBoard(t *testing.T) {
	s := openTest(t)
	a := mustUpsert(t, s, prod(1, "面膜", 9900))
	if _, err := s.SetScript(a.ID, "第一句：家人们看过来！\n第二句：今天只要99"); err != nil {
		t.Fatal(err)
	}
	b := mustUpsert(t, s, prod(2, "口红", 12900))
	s.SetShowProducts("s", []string{b.ID, a.ID})
	if n, _ := s.ShowNotes("s"); n != "" {
		t.Fatalf("notes before set: %q", n)
	}
	if err := s.SetShowNotes("s", "开场：欢迎新朋友\n结尾：预告下周三"); err != nil {
		t.Fatal(err)
	}
	s.SetShowNotes("s", "开场：欢迎新朋友\n结尾：预告下周四")
	board, err := s.PromptBoard("s")
	if err != nil {
		t.Fatal(err)
	}
	if board.Notes != "开场：欢迎新朋友\n结尾：预告下周四" || len(board.Cards) != 2 ||
		board.Cards[0].Title != "口红" || board.Cards[1].Script != "第一句：家人们看过来！\n第二句：今天只要99" {
		t.Fatalf("board %+v", board)
	}
}
