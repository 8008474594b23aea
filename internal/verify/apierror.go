package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Errors verify sorts AWS answers into; each has its own exit code.
var (
	// ErrAPI wraps a failure to read ECS or ELB (exit 5).
	ErrAPI = errors.New("AWS API error")
	// errBadInput: the inputs name a cluster or service that is not there, or
	// that verify cannot judge (exit 3).
	errBadInput = errors.New("bad input")
	// errCredentials: AWS refused the caller's credentials; retrying cannot help
	// (exit 5).
	errCredentials = errors.New("credentials")
)

// rejectedCredentialCodes are the error codes AWS answers when it does not
// accept the credentials themselves (not their permissions).
var rejectedCredentialCodes = []string{
	"UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch",
	"InvalidSignatureException", "IncompleteSignature", "MissingAuthenticationToken",
	"ExpiredToken", "ExpiredTokenException", "AuthFailure",
}

// howToProvideCredentials ends every credentials message.
const howToProvideCredentials = "in CI assume the deploy role with aws-actions/configure-aws-credentials; " +
	"locally set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"

// apiError turns an SDK error from call into one of verify's errors, with one
// line of text: the service's error code and message, or the network failure,
// without the SDK's operation and request-id wrapping.
func (c Clients) apiError(err error, call string) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && slices.Contains(rejectedCredentialCodes, ae.ErrorCode()) {
		from := ""
		if c.Credentials != "" {
			from = " (" + c.Credentials + ")"
		}
		return fmt.Errorf("%w: AWS rejected the credentials%s: %s: %s; provide valid ones: %s",
			errCredentials, from, ae.ErrorCode(), ae.ErrorMessage(), howToProvideCredentials)
	}
	msg := short(err)
	if cause := c.attempts.get(); cause != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		msg += "; the last attempt failed: " + short(cause)
	}
	return fmt.Errorf("%w: %s: %s", ErrAPI, call, msg)
}

// short is the part of an SDK error a person needs.
func short(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Error()
	}
	// An answer that is not the API's (an HTML error page, a proxy): say what
	// came back, not the decoder's complaint.
	var de *smithy.DeserializationError
	var re *smithyhttp.ResponseError
	if errors.As(err, &de) && errors.As(err, &re) {
		return fmt.Sprintf("HTTP %d with an answer that is not the AWS API's (is AWS_ENDPOINT_URL right?)", re.HTTPStatusCode())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within the time budget"
	}
	return err.Error()
}

// errorCode is the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
