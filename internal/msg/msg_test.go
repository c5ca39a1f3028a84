package msg

import (
	"fmt"
	"testing"
)

func TestTextTranslatesNested(t *testing.T) {
	inner := New("price %q is not a number; write it like 99.00", "abc")
	outer := New("original price: %s", inner)
	zh := map[string]string{
		"price %q is not a number; write it like 99.00": "价格 %q 不是数字,请写成 99.00 这样",
		"original price: %s":                            "原价:%s",
	}
	if got := outer.Translate(func(k string) string { return zh[k] }); got != `原价:价格 "abc" 不是数字,请写成 99.00 这样` {
		t.Errorf("translated %q", got)
	}
	if got := outer.String(); got != `original price: price "abc" is not a number; write it like 99.00` {
		t.Errorf("English %q", got)
	}
	if got, ok := Of(fmt.Errorf("wrapped: %w", inner)); !ok || got.Key != inner.Key {
		t.Errorf("Of = %v %v", got, ok)
	}
}
