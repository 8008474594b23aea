//go:build e2e

package motopeer

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
)

// moto 5.2.1 models the state faithfully but writes two answers of ECS's JSON
// protocol in a form no strict AWS SDK reads (boto3 is lenient; Go's SDK is
// not):
//
//   - a task's containers carry cpu and memory as JSON numbers, where ECS
//     sends strings: the Go SDK fails DescribeTasks and RunTask outright;
//   - with IAM authentication on, a rejected key is answered with the XML
//     error document of the query protocols, where ECS sends JSON
//     {"__type": code, "message": ...}.
//
// wireFix sits between the SDK clients and moto on loopback and rewrites only
// those two, keeping moto's values and decisions. Everything else passes
// through untouched.

func wireFix(target string) *httptest.Server {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		op := resp.Request.Header.Get("X-Amz-Target")
		if !strings.HasPrefix(op, "AmazonEC2ContainerService") {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		switch {
		case resp.StatusCode/100 != 2 && bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")):
			body = jsonError(body)
			resp.Header.Set("Content-Type", "application/x-amz-json-1.1")
		case strings.HasSuffix(op, ".DescribeTasks") || strings.HasSuffix(op, ".RunTask"):
			body = containerNumbersAsStrings(body)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	return httptest.NewServer(proxy)
}

// jsonError re-encodes a query-protocol error document (moto writes
// <ErrorResponse><Errors><Error>, as EC2 does) as ECS's JSON error.
func jsonError(body []byte) []byte {
	var doc struct {
		Code    string `xml:"Errors>Error>Code"`
		Message string `xml:"Errors>Error>Message"`
	}
	if xml.Unmarshal(body, &doc) != nil || doc.Code == "" {
		return body
	}
	out, _ := json.Marshal(map[string]string{"__type": doc.Code, "message": doc.Message})
	return out
}

// containerNumbersAsStrings turns tasks[].containers[].cpu/memory numbers
// into the strings ECS sends.
func containerNumbersAsStrings(body []byte) []byte {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return body
	}
	tasks, _ := doc["tasks"].([]any)
	for _, task := range tasks {
		containers, _ := task.(map[string]any)["containers"].([]any)
		for _, c := range containers {
			container := c.(map[string]any)
			for _, k := range []string{"cpu", "memory", "memoryReservation"} {
				if n, ok := container[k].(json.Number); ok {
					container[k] = n.String()
				}
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
