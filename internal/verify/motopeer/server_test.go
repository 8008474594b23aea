//go:build e2e

package motopeer

import (
	"testing"

	"github.com/example/webservice/internal/motoserver"
)

// The suite's moto_server is internal/motoserver's; these names keep the
// suite's files short.
type (
	moto       = motoserver.Server
	syncBuffer = motoserver.SyncBuffer
)

var hermeticEnv = motoserver.HermeticEnv

func startMoto(t testing.TB, env ...string) *moto  { return motoserver.Start(t, env...) }
func launchMoto(t testing.TB, env ...string) *moto { return motoserver.Launch(t, env...) }
func requireMoto(t testing.TB) string              { return motoserver.Require(t) }
