package verify

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// When the time budget ends while the SDK is between retries, its error says
// only "context deadline exceeded": the failure being retried (connection
// refused, a DNS error) is gone. lastAttempt keeps it, by watching every error
// the retryer is asked about, so the message can say why no answer came.
type lastAttempt struct {
	mu  sync.Mutex
	err error
}

func (l *lastAttempt) set(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.err = err
}

func (l *lastAttempt) get() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// recordingRetryer is the SDK's retryer, telling lastAttempt each attempt's error.
type recordingRetryer struct {
	aws.RetryerV2
	last *lastAttempt
}

func (r recordingRetryer) IsErrorRetryable(err error) bool {
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		r.last.set(err)
	}
	return r.RetryerV2.IsErrorRetryable(err)
}

// clientsFromConfig builds the ECS and ELBv2 clients verify uses from one AWS
// config: DefaultClients and the tests' fakes alike.
func clientsFromConfig(cfg aws.Config, credentials string) Clients {
	last := &lastAttempt{}
	inner := cfg.Retryer
	cfg.Retryer = func() aws.Retryer {
		var r aws.Retryer = retry.NewStandard()
		if inner != nil {
			r = inner()
		}
		if v2, ok := r.(aws.RetryerV2); ok {
			return recordingRetryer{RetryerV2: v2, last: last}
		}
		return r
	}
	return Clients{ECS: ecs.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg), Credentials: credentials, attempts: last}
}
