// Package assets owns the photos: the pipeline that turns an upload into the
// two JPEGs the product shows (a display image and a square grid thumbnail),
// and the blob store they are kept in.
//
// The pipeline is written for a small machine taking bursts of nine-photo
// cards. It trusts no upload: the type is sniffed from the bytes, the
// dimensions are checked before a single pixel is decoded, and every output
// is re-encoded so no metadata (EXIF, GPS, XMP, ICC) survives. Most of its
// time goes to image/jpeg's decoder, so everything after the decode works on
// the 8-bit Y, Cb and Cr planes directly instead of converting the full-size
// photo to RGBA: a 2×2 box pre-shrink, a fixed-point separable resampler,
// and the EXIF orientation applied to the small outputs only.
//
// Photos live behind the BlobStore interface: on local disk now, in an
// S3-compatible store once there is more than one node.
package assets
