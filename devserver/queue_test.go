package devserver

import (
	"reflect"
	"testing"
)

func TestOfflineQueue(t *testing.T) {
	var q offlineQueue
	adds := []struct {
		src  string
		want bool
	}{{"a", true}, {"b", true}, {"a", false}, {"c", false}}
	for i, a := range adds {
		if got := q.add(a.src, []byte{byte(i)}, len(q.msgs) < 2); got != a.want {
			t.Errorf("add %d from %s: %v, want %v", i, a.src, got, a.want)
		}
	}
	if len(q.msgs) != 2 || q.dropped != 2 {
		t.Errorf("kept %d, dropped %d", len(q.msgs), q.dropped)
	}
	// One EXPIRE per sender, including c whose only message was dropped.
	want := []message{
		{Type: typeExpire, Src: "ghost", Dst: "a"},
		{Type: typeExpire, Src: "ghost", Dst: "b"},
		{Type: typeExpire, Src: "ghost", Dst: "c"},
	}
	if got := q.expiry("ghost"); !reflect.DeepEqual(got, want) {
		t.Errorf("expiry: %+v", got)
	}
}
