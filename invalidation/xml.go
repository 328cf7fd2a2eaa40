package invalidation

import (
	"encoding/xml"
	"time"
)

// xmlns is CloudFront's API namespace (version 2020-05-31).
const xmlns = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

// batchIn is a CreateInvalidation body. Element order is free; the
// namespace is not checked (botocore sends it, hand-written bodies may not).
type batchIn struct {
	XMLName         xml.Name `xml:"InvalidationBatch"`
	CallerReference string   `xml:"CallerReference"`
	Paths           struct {
		Quantity *int `xml:"Quantity"`
		Items    struct {
			Path []string `xml:"Path"`
		} `xml:"Items"`
	} `xml:"Paths"`
}

type pathsOut struct {
	Quantity int       `xml:"Quantity"`
	Items    *itemsOut `xml:"Items,omitempty"`
}

type itemsOut struct {
	Path []string `xml:"Path"`
}

type invalidationOut struct {
	XMLName    xml.Name `xml:"Invalidation"`
	Xmlns      string   `xml:"xmlns,attr"`
	ID         string   `xml:"Id"`
	Status     string   `xml:"Status"`
	CreateTime string   `xml:"CreateTime"`
	Batch      struct {
		Paths           pathsOut `xml:"Paths"`
		CallerReference string   `xml:"CallerReference"`
	} `xml:"InvalidationBatch"`
}

type summaryOut struct {
	ID         string `xml:"Id"`
	CreateTime string `xml:"CreateTime"`
	Status     string `xml:"Status"`
}

type listOut struct {
	XMLName     xml.Name `xml:"InvalidationList"`
	Xmlns       string   `xml:"xmlns,attr"`
	Marker      string   `xml:"Marker"`
	NextMarker  string   `xml:"NextMarker,omitempty"`
	MaxItems    int      `xml:"MaxItems"`
	IsTruncated bool     `xml:"IsTruncated"`
	Quantity    int      `xml:"Quantity"`
	Items       *struct {
		Summary []summaryOut `xml:"InvalidationSummary"`
	} `xml:"Items,omitempty"`
}

type errorOut struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// An invalidation's statuses, as GetInvalidation and ListInvalidations
// report them. Alone, an edge's invalidations are Completed when created;
// with a Progress (a fleet), InProgress until every live edge applied them.
const (
	StatusCompleted  = "Completed"
	StatusInProgress = "InProgress"
)

func cfTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func toXML(inv Invalidation, status string) invalidationOut {
	out := invalidationOut{Xmlns: xmlns, ID: inv.ID, Status: status, CreateTime: cfTime(inv.CreateTime)}
	out.Batch.CallerReference = inv.CallerReference
	out.Batch.Paths.Quantity = len(inv.Paths)
	if len(inv.Paths) > 0 {
		out.Batch.Paths.Items = &itemsOut{Path: inv.Paths}
	}
	return out
}
