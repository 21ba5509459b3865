package events

import "sync"

// Dispatchers poll the outbox; a local commit wakes those of this process at
// once so in-process delivery does not wait for the next poll. Other
// processes still see the event at their next poll.
var (
	wakeMu sync.Mutex
	wakers = map[chan struct{}]struct{}{}
)

func wakeAll() {
	wakeMu.Lock()
	defer wakeMu.Unlock()
	for ch := range wakers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func addWaker() chan struct{} {
	ch := make(chan struct{}, 1)
	wakeMu.Lock()
	wakers[ch] = struct{}{}
	wakeMu.Unlock()
	return ch
}

func removeWaker(ch chan struct{}) {
	wakeMu.Lock()
	delete(wakers, ch)
	wakeMu.Unlock()
}
