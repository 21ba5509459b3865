package sink

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ReadStream reads every message stored in the stream when it is called, oldest first, and passes
// the decoded event and its subject to fn. Used to check the feed and by consumers that rebuild.
func ReadStream(ctx context.Context, url, stream string, fn func(subject string, e Event) error) error {
	nc, err := nats.Connect(url)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return err
	}
	if info.State.Msgs == 0 {
		return nil
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return err
	}
	for seq := uint64(0); seq < info.State.LastSeq; {
		msg, err := cons.Next(jetstream.FetchMaxWait(5_000_000_000))
		if err != nil {
			return fmt.Errorf("stream %s dopo la sequenza %d: %w", stream, seq, err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		seq = meta.Sequence.Stream
		e, err := Unmarshal(msg.Data())
		if err != nil {
			return fmt.Errorf("stream %s messaggio %d: %w", stream, seq, err)
		}
		if err := fn(msg.Subject(), e); err != nil {
			return err
		}
	}
	return nil
}
