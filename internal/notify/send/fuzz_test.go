package send

import (
	"encoding/json"
	"testing"
)

// FuzzValidateRequest: the request validation the simulator applies to
// outside JSON never panics, and what it accepts survives a round trip.
func FuzzValidateRequest(f *testing.F) {
	f.Add(`{"paProtocolNumber":"P1","subject":"Atto","recipients":[{"recipientType":"PF","taxId":"RSSMRA80A01H501U","denomination":"Mario"}],"documents":[{"digests":{"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},"contentType":"application/pdf","ref":{"key":"k","versionToken":"v"}}],"physicalCommunicationType":"AR_REGISTERED_LETTER","notificationFeePolicy":"FLAT_RATE","senderDenomination":"Comune","senderTaxId":"00644060287","taxonomyCode":"010202N"}`)
	f.Add(`{"notificationFeePolicy":"DELIVERY_MODE","paFee":-1}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		var r NewNotificationRequest
		if json.Unmarshal([]byte(s), &r) != nil || r.Validate() != nil {
			return
		}
		b, _ := json.Marshal(r)
		var back NewNotificationRequest
		if err := json.Unmarshal(b, &back); err != nil || back.Validate() != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
	})
}
