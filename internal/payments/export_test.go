package payments

import "time"

// SetClock makes the service read now from f (lifecycle tests move time).
func SetClock(s *Service, f func() time.Time) { s.clock.Store(&f) }
