package verify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// Without credentials, on a machine whose instance metadata answers without
// IMDSv2 (or not at all), the SDK warns "falling back to IMDSv1" before the
// one line verify prints: no warning may come first.
func TestNoCredentialsIsOneLineWithoutSDKWarnings(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not here", http.StatusForbidden) // no IMDSv2 token, no role
	}))
	defer imds.Close()
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	_, err = DefaultClients(context.Background(), "us-east-1")
	os.Stderr = stderr
	w.Close()
	printed, _ := io.ReadAll(r)
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Fatalf("err = %v", err)
	}
	if len(printed) > 0 {
		t.Errorf("the SDK printed before verify's own message:\n%s", printed)
	}
}
