// Package k8s holds streamedge's Kubernetes manifests (pop/: one POP's
// edges; fleet/: the NATS fleet store; router/: the request router) and decodes them strictly into the
// k8s.io/api types, so a misspelt or misplaced field is an error in the
// tests rather than a field the API server drops. It is not in the request
// path: the manifests deploy the edges that are.
//
//	kubectl create namespace pop-fra && kubectl -n pop-fra apply -f deploy/k8s/pop/
//	kubectl create namespace streamedge-fleet && kubectl -n streamedge-fleet apply -f deploy/k8s/fleet/
//	kubectl create namespace streamedge-router && kubectl -n streamedge-router apply -f deploy/k8s/router/
package k8s
